// The HTTP/1.1 server: a listener and one session per connection on an io_context run by N
// threads (Boost.Beast). Each session reads a request with a body limit, a header limit and
// one deadline for the whole request (so a slow-drip client cannot hold a connection), answers
// it from the route table (route_table.h), writes the answer with a deadline, and keeps the
// connection alive when the client asks. Writes answer later, on one of the ledger's threads; the
// session posts the answer back to its own strand, so no I/O thread ever waits for an append.
//
// Thread-safety: Start, Shutdown and port are called by the owner's thread. Ownership: the
// Server refers to the route table and the metrics (which must outlive it) and owns its threads
// and sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "ledger/domain/status.h"
#include "server/metrics.h"
#include "server/route_table.h"

namespace tl::server {

// A body larger than this counts as a large answer for ServerOptions::max_answer_memory.
inline constexpr size_t kLargeAnswer = size_t{1} << 20;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see port())
  int threads = 2;
  size_t body_limit = 1u << 20;     // 413 too_large beyond
  size_t header_limit = 16u << 10;  // 431 too_large beyond (request line and headers)
  // The whole request (from its first byte, or from the end of the previous answer on a kept-
  // alive connection) must arrive within this; the connection is closed otherwise.
  std::chrono::milliseconds read_timeout{15'000};
  // Each write to the socket (an answer's headers, each piece of a streamed answer) must be
  // taken by the client within this, so a client that stops reading is dropped.
  std::chrono::milliseconds write_timeout{15'000};
  // Bytes of answers held in memory across all connections: a large answer (a streamed one, or
  // a body over kLargeAnswer) that would go beyond it is refused with 503 overloaded and
  // Retry-After (docs/api.md, "Limits"). Smaller answers are always given, so /healthz answers.
  size_t max_answer_memory = size_t{64} << 20;
  // Large answers streamed piece by piece (Response::body_source). false: each is collected
  // whole before it is written, as before streaming existed; only for the benchmark's A/B.
  bool stream_answers = true;
  size_t max_connections = 4096;  // beyond: closed at once, counted in the metrics
  // At shutdown, requests in flight get this long to finish.
  std::chrono::milliseconds drain_timeout{20'000};
  bool access_log = true;  // one JSON line per request on stderr
};

class Server {
 public:
  Server(const RouteTable& routes, ServerMetrics& metrics, ServerOptions options);
  ~Server();  // Shutdown() if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads. kUnavailable when the address cannot be bound.
  Status Start();
  // The bound port (after Start).
  uint16_t port() const;
  // Graceful stop: stop accepting, close idle connections, let requests in flight finish
  // (writes included: their answers are sent), then join the threads. Idempotent.
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tl::server
