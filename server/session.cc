#include "server/session.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <optional>
#include <random>

#include "ledger/domain/log_line.h"
#include "ledger/store/event_log.h"
#include "server/error_mapping.h"
#include "server/handlers.h"
#include "server/json_input.h"

namespace tl::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace json = boost::json;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

Method MethodOf(http::verb v) {
  switch (v) {
    case http::verb::get:
      return Method::kGet;
    case http::verb::head:
      return Method::kHead;
    case http::verb::post:
      return Method::kPost;
    case http::verb::put:
      return Method::kPut;
    case http::verb::delete_:
      return Method::kDelete;
    case http::verb::patch:
      return Method::kPatch;
    case http::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// A malformed request (as opposed to a closed or reset connection).
bool IsProtocolError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

void WriteAccessLog(std::string_view request_id, std::string_view method, std::string_view path,
                    int status, double seconds, std::string_view actor) {
  LogLine(LogLevel::kInfo, "request",
          {{"request_id", request_id},
           {"method", method},
           {"path", path},
           {"status", status},
           {"duration_ms", seconds * 1e3},
           actor.empty() ? LogField::Null("actor") : LogField("actor", actor)});
}

// A request's id: the client's X-Request-Id when it is a plain token (so a proxy's id carries
// through), otherwise 16 random hex digits. In the access log and the answer's X-Request-Id.
std::string RequestId(std::string_view from_client) {
  auto plain = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == ':';
  };
  if (!from_client.empty() && from_client.size() <= 64 &&
      std::all_of(from_client.begin(), from_client.end(), plain)) {
    return std::string(from_client);
  }
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}", random());
}

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<SessionShared> shared, uint64_t id)
      : stream_(std::move(socket)), shared_(std::move(shared)), id_(id) {
    shared_->metrics.ConnectionOpened();
  }
  ~Session() {
    shared_->metrics.ConnectionClosed();
    std::lock_guard lock(shared_->mu);
    shared_->live.erase(id_);
  }

  void Run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }

  void Stop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stop_ = true;
      if (!self->busy_) self->Close();
    });
  }

 private:
  void DoRead() {
    if (stop_ || shared_->stopping) return Close();
    parser_.emplace();
    parser_->body_limit(std::max<size_t>(shared_->options.body_limit, kMailBodyLimit));
    parser_->header_limit(static_cast<uint32_t>(shared_->options.header_limit));
    // One deadline for the whole request, header and body: a slow drip cannot extend it.
    stream_.expires_after(shared_->options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  // Clients such as curl send `Expect: 100-continue` before a larger body and wait (a second,
  // for curl) for the go-ahead; give it at once. A body over the limit was refused already.
  void OnHeader(beast::error_code ec, size_t bytes) {
    if (ec) return OnRead(ec, bytes);
    // Incoming mail may be up to 10 MiB whatever --body-limit says (docs/api.md, "Mail"): the
    // header was read with the larger limit (the parser checks Content-Length against it while
    // reading the header); every other route gets the configured one back before its body.
    const std::string_view target = parser_->get().target();
    const bool mail = parser_->get().method() == http::verb::post &&
                      target.substr(0, target.find('?')) == kMailInboundPath;
    if (!mail) {
      const auto length = parser_->content_length();
      if (length && *length > shared_->options.body_limit) {
        return OnRead(http::error::body_limit, bytes);
      }
      parser_->body_limit(shared_->options.body_limit);
    }
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue),
                              [self = shared_from_this()](beast::error_code write_ec, size_t) {
                                if (write_ec) return self->Close();
                                self->ReadBody();
                              });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) {
      busy_ = true;
      method_text_ = "-";
      path_ = "-";
      if (parser_ && parser_->is_header_done()) {
        method_text_ = std::string(parser_->get().method_string());
        path_ = std::string(parser_->get().target().substr(0, parser_->get().target().find('?')));
      }
      start_ = SteadyClock::now();
      if (ec == http::error::body_limit) {
        // The request line is parsed before the Content-Length is checked against the limit.
        const std::string_view target = parser_ ? parser_->get().target() : "";
        const size_t limit = target.substr(0, target.find('?')) == kMailInboundPath
                                 ? std::max<size_t>(shared_->options.body_limit, kMailBodyLimit)
                                 : shared_->options.body_limit;
        return Reject(ErrorResponse(413, "too_large",
                                    fmt::format("the body is larger than {} bytes", limit)));
      }
      if (ec == http::error::header_limit) {
        return Reject(ErrorResponse(431, "too_large", "the request line or headers are too large"));
      }
      if (IsProtocolError(ec)) {
        return Reject(ErrorResponse(400, "bad_request",
                                    fmt::format("malformed HTTP request: {}", ec.message())));
      }
      return Close();  // end of stream, timeout, reset, shutdown
    }
    busy_ = true;
    start_ = SteadyClock::now();
    auto& msg = parser_->get();
    Request req;
    req.method = MethodOf(msg.method());
    req.method_text = std::string(msg.method_string());
    method_text_ = req.method_text;
    head_ = req.method == Method::kHead;
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    const std::string_view target = msg.target();
    path_ = std::string(target.substr(0, target.find('?')));
    Status target_ok = ParseTarget(target, &req.path, &req.query);
    if (!target_ok.ok()) return Send(StatusResponse(target_ok));
    request_id_ = RequestId(msg["X-Request-Id"]);
    req.authorization = std::string(msg[http::field::authorization]);
    req.content_type = std::string(msg[http::field::content_type]);
    req.body = std::move(msg.body());
    parser_.reset();

    // The answer of a write comes on one of the ledger's threads: hop back onto this strand.
    // The work guard keeps the io_context running until it has (graceful shutdown waits).
    Later later = [self = shared_from_this(),
                   guard = net::make_work_guard(shared_->ioc)](Response r) {
      net::post(self->stream_.get_executor(),
                [self, r = std::move(r)]() mutable { self->Send(std::move(r)); });
    };
    std::optional<Response> now;
    try {
      now = shared_->routes.Answer(std::move(req), std::move(later), &answered_);
    } catch (const std::exception& e) {
      // The outermost boundary: a bug in a handler answers 500 and the server goes on.
      LogLine(LogLevel::kError, "a handler threw",
              {{"error", std::string_view(e.what())}, {"request_id", request_id_}});
      now = ErrorResponse(500, "internal", "internal error");
    }
    if (now) Send(std::move(*now));
  }

  // Answers a request that could not be read whole, then closes the connection.
  void Reject(Response r) {
    keep_alive_ = false;
    version_ = 11;
    Send(std::move(r));
  }

  void Send(Response r) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "ticketledger");
    if (request_id_.empty()) request_id_ = RequestId("");  // a request that could not be read
    res->set("X-Request-Id", request_id_);
    res->set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive_ && !stop_ && !shared_->stopping);
    res->body() = std::move(r.body);
    res->prepare_payload();
    if (head_) res->body().clear();  // HEAD: the GET's headers, Content-Length included
    status_ = r.status;
    // Counted and logged when the answer is ready, before it is written: a client that has its
    // answer finds it in /metrics and in the log.
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    shared_->metrics.CountRequest({answered_.route, method_text_, status_, r.error_code}, seconds);
    if (shared_->options.access_log) {
      WriteAccessLog(request_id_, method_text_, path_, status_, seconds, answered_.actor);
    }
    response_ = res;
    stream_.expires_after(shared_->options.write_timeout);
    http::async_write(
        stream_, *res,
        beast::bind_front_handler(&Session::OnWrite, shared_from_this(), res->keep_alive()));
  }

  void OnWrite(bool keep_alive, beast::error_code ec, size_t) {
    response_.reset();
    answered_ = {};
    request_id_.clear();
    head_ = false;
    busy_ = false;
    if (ec) return Close();
    if (!keep_alive) return Linger();
    DoRead();
  }

  // Closes after an answer that said "Connection: close": stop sending, then read and drop what
  // the client still sends (briefly), so that closing does not reset the connection before
  // the client has read the answer.
  void Linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    DrainOnce();
  }
  void DrainOnce() {
    stream_.async_read_some(net::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Close();
                              self->DrainOnce();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::shared_ptr<SessionShared> shared_;
  const uint64_t id_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  std::array<char, 4096> drain_{};
  // Strand-only state of the request in progress.
  bool busy_ = false;  // a request is being answered
  bool stop_ = false;  // the server is shutting down: close after this answer
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;
  int status_ = 0;
  std::string method_text_, path_;
  RouteTable::Answered answered_;  // the request's actor and route, once known
  std::string request_id_;
  SteadyClock::time_point start_;
};

void StartSession(tcp::socket socket, std::shared_ptr<SessionShared> shared) {
  uint64_t id;
  {
    std::lock_guard lock(shared->mu);
    id = shared->next_id++;
  }
  auto session = std::make_shared<Session>(std::move(socket), shared, id);
  {
    std::lock_guard lock(shared->mu);
    shared->live.emplace(id, session);
  }
  session->Run();
}

void StopSessions(SessionShared& shared) {
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(shared.mu);
    for (auto& [id, weak] : shared.live) {
      if (auto s = weak.lock()) sessions.push_back(std::move(s));
    }
  }
  for (auto& s : sessions) s->Stop();
}

}  // namespace tl::server
