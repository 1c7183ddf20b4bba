// One client connection (see server.h). Private to server/: server.cc creates sessions.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/metrics.h"
#include "server/route_table.h"
#include "server/server.h"

namespace tl::server {

class Session;

// What every session of a server shares.
struct SessionShared {
  const RouteTable& routes;
  ServerMetrics& metrics;
  ServerOptions options;
  boost::asio::io_context& ioc;
  // Where the pieces of streamed answers are made (Response::body_source), off the I/O threads.
  boost::asio::thread_pool& pieces;
  std::atomic<bool> stopping{false};
  // Bytes of answers held in memory by all sessions, capped by options.max_answer_memory.
  std::atomic<size_t> answer_bytes{0};

  std::mutex mu;
  uint64_t next_id = 0;                                       // guarded by mu
  std::unordered_map<uint64_t, std::weak_ptr<Session>> live;  // guarded by mu
};

// Starts serving an accepted socket.
void StartSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionShared> shared);
// Asks every live session to close once its current request is answered.
void StopSessions(SessionShared& shared);

}  // namespace tl::server
