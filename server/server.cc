#include "server/server.h"

#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <thread>
#include <vector>

#include "server/session.h"

namespace tl::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Server::Impl {
  Impl(const RouteTable& routes, ServerMetrics& metrics, ServerOptions o)
      : options(std::move(o)),
        ioc(std::max(1, options.threads)),
        acceptor(net::make_strand(ioc)),
        retry_timer(acceptor.get_executor()),
        shared(std::make_shared<SessionShared>(routes, metrics, options, ioc, pieces)) {}

  void DoAccept() {
    acceptor.async_accept(
        net::make_strand(ioc), [this](boost::system::error_code ec, tcp::socket socket) {
          if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
          if (ec) {
            // Out of descriptors or a transient network error: try again shortly rather than spin.
            retry_timer.expires_after(std::chrono::milliseconds(50));
            retry_timer.async_wait([this](boost::system::error_code wait_ec) {
              if (!wait_ec && acceptor.is_open()) DoAccept();
            });
            return;
          }
          ServerMetrics& metrics = shared->metrics;
          if (static_cast<size_t>(metrics.connections_open()) >= options.max_connections ||
              shared->stopping) {
            metrics.ConnectionRejected();
            boost::system::error_code ignored;
            socket.close(ignored);
          } else {
            StartSession(std::move(socket), shared);
          }
          DoAccept();
        });
  }

  ServerOptions options;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  // One thread makes the pieces of every streamed answer (session.cc, MakePiece): a large answer
  // takes at most that one core from the requests the I/O threads answer.
  net::thread_pool pieces{1};
  std::shared_ptr<SessionShared> shared;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool running = false;
};

Server::Server(const RouteTable& routes, ServerMetrics& metrics, ServerOptions options)
    : impl_(std::make_unique<Impl>(routes, metrics, std::move(options))) {}

Server::~Server() { Shutdown(); }

Status Server::Start() {
  Impl& m = *impl_;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(m.options.address, ec);
  if (ec) return Status::BadField(fmt::format("bad listen address '{}'", m.options.address));
  const tcp::endpoint endpoint(address, m.options.port);
  auto fail = [&](std::string_view what) {
    return Status::Unavailable(
        fmt::format("cannot {} {}:{}: {}", what, m.options.address, m.options.port, ec.message()));
  };
  if (m.acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (m.acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) return fail("set");
  if (m.acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (m.acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen");
  m.port = m.acceptor.local_endpoint().port();
  net::post(m.acceptor.get_executor(), [&m] { m.DoAccept(); });
  m.running = true;
  for (int i = 0; i < std::max(1, m.options.threads); ++i) {
    m.threads.emplace_back([&m] { m.ioc.run(); });
  }
  return Status::Ok();
}

uint16_t Server::port() const { return impl_->port; }

void Server::Shutdown() {
  Impl& m = *impl_;
  if (!m.running) return;
  m.running = false;
  m.shared->stopping = true;
  net::post(m.acceptor.get_executor(), [&m] {
    boost::system::error_code ignored;
    m.acceptor.close(ignored);
    m.retry_timer.cancel();
  });
  StopSessions(*m.shared);

  // The threads return once every session is gone and every write in flight has been answered;
  // a watchdog stops the io_context if that takes longer than the drain timeout.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread watchdog([&] {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, m.options.drain_timeout, [&] { return done; })) m.ioc.stop();
  });
  for (auto& t : m.threads) t.join();
  m.threads.clear();
  m.pieces.join();  // a piece still being made is dropped on arrival: the I/O threads are gone
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_one();
  watchdog.join();
}

}  // namespace tl::server
