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

// The bytes of one connection's answer, counted in SessionShared::answer_bytes (the total over
// all connections that ServerOptions::max_answer_memory caps) for as long as they are held.
class HeldAnswer {
 public:
  explicit HeldAnswer(std::atomic<size_t>& total) : total_(total) {}
  ~HeldAnswer() { Set(0); }
  HeldAnswer(const HeldAnswer&) = delete;
  HeldAnswer& operator=(const HeldAnswer&) = delete;

  // Holds `bytes` instead of what was held, if the total stays within `budget`.
  bool TrySet(size_t bytes, size_t budget) {
    size_t total = total_.load();
    do {
      if (total - held_ + bytes > budget) return false;
    } while (!total_.compare_exchange_weak(total, total - held_ + bytes));
    held_ = bytes;
    return true;
  }
  // Holds `bytes` instead of what was held, whatever the total.
  void Set(size_t bytes) {
    total_ += bytes;
    total_ -= held_;
    held_ = bytes;
  }

 private:
  std::atomic<size_t>& total_;
  size_t held_ = 0;
};

// A streamed body collected whole: the other side of ServerOptions::stream_answers.
Result<std::string> WholeBody(const BodySource& source) {
  std::string body;
  while (true) {
    TL_ASSIGN_OR_RETURN(std::optional<std::string> piece, source());
    if (!piece) return body;
    body += *piece;
  }
}

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<SessionShared> shared, uint64_t id)
      : stream_(std::move(socket)),
        shared_(std::move(shared)),
        id_(id),
        held_(shared_->answer_bytes) {
    shared_->metrics.ConnectionOpened();
    // A streamed answer is many writes, each ending in a segment smaller than the link's: with
    // Nagle's algorithm each such tail waits for the client's (delayed) acknowledgement of the
    // one before, which capped a streamed feed near 40 MB/s on loopback (docs/benchmarks.md).
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
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
    // HTTP/1.0 has no chunks: such a client gets the body whole, as does every client when
    // streaming is switched off.
    if (r.body_source && (!shared_->options.stream_answers || version_ < 11)) {
      auto whole = WholeBody(r.body_source);
      r.body_source = nullptr;
      if (whole.ok()) {
        r.body = std::move(whole).value();
      } else {
        r = StatusResponse(whole.status());
      }
    }
    // A streamed body's first piece is made before the headers go out, so that a failure there
    // is still an answer of its own rather than a cut-off one.
    if (r.body_source && !head_) {
      source_ = std::move(r.body_source);
      r.body_source = nullptr;
      return MakePiece([self = shared_from_this(),
                        r = std::move(r)](Result<std::optional<std::string>> piece) mutable {
        if (!piece.ok()) {
          self->source_ = nullptr;
          return self->Answer(StatusResponse(piece.status()), false, {});  // logged there
        }
        if (!*piece) {
          self->source_ = nullptr;
          return self->Answer(std::move(r), false, {});  // nothing at all: an empty body
        }
        self->Answer(std::move(r), true, std::move(**piece));
      });
    }
    const bool streamed = r.body_source != nullptr;  // HEAD: the headers of a streamed answer
    r.body_source = nullptr;
    Answer(std::move(r), streamed, {});
  }

  // Sends `r`: streamed (its body in source_, after `first_piece`), or whole.
  void Answer(Response r, bool streamed, std::string first_piece) {
    // docs/api.md, "Limits": a large answer is held only while all answers held stay within the
    // budget; a small one (an error, /healthz) always is.
    const size_t size = streamed ? first_piece.size() : r.body.size();
    if ((streamed || size > kLargeAnswer) &&
        !held_.TrySet(size, shared_->options.max_answer_memory)) {
      r = ErrorResponse(503, "overloaded", "the server is sending too many large answers");
      r.headers.emplace_back("Retry-After", "1");
      streamed = false;
      source_ = nullptr;
      first_piece.clear();
    }
    held_.Set(streamed ? first_piece.size() : r.body.size());

    status_ = r.status;
    // Counted and logged when the answer is ready, before it is written: a client that has its
    // answer finds it in /metrics and in the log.
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    shared_->metrics.CountRequest({answered_.route, method_text_, status_, r.error_code}, seconds);
    if (shared_->options.access_log) {
      WriteAccessLog(request_id_, method_text_, path_, status_, seconds, answered_.actor);
    }
    const bool keep_alive = keep_alive_ && !stop_ && !shared_->stopping;
    if (streamed) return SendStreamed(r, std::move(first_piece), keep_alive);

    auto res = std::make_shared<http::response<http::string_body>>();
    SetHeaders(*res, r, keep_alive);
    res->body() = std::move(r.body);
    res->prepare_payload();
    if (head_) res->body().clear();  // HEAD: the GET's headers, Content-Length included
    response_ = res;
    stream_.expires_after(shared_->options.write_timeout);
    http::async_write(stream_, *res,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this(), keep_alive));
  }

  template <class Body>
  void SetHeaders(http::response<Body>& res, const Response& r, bool keep_alive) {
    res.version(version_);
    res.result(static_cast<unsigned>(r.status));
    res.set(http::field::server, "ticketledger");
    if (request_id_.empty()) request_id_ = RequestId("");  // a request that could not be read
    res.set("X-Request-Id", request_id_);
    res.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res.set(name, value);
    res.keep_alive(keep_alive);
  }

  // Makes the next non-empty piece of source_ (an empty one would read as the last chunk) on
  // the server's piece thread, then calls `then(piece)` on this connection's strand. The JSON of
  // a feed's page takes milliseconds to make: on the I/O threads, a hundred feeds in progress
  // would queue every other request behind a hundred pages. The strand leaves source_ alone
  // until `then` runs; the work guard keeps the I/O threads running meanwhile (at shutdown too).
  template <class Then>
  void MakePiece(Then then) {
    net::post(shared_->pieces, [self = shared_from_this(), then = std::move(then),
                                guard = net::make_work_guard(shared_->ioc)]() mutable {
      Result<std::optional<std::string>> piece = std::optional<std::string>();
      while (true) {
        piece = self->source_();
        if (!piece.ok() || !*piece || !(*piece)->empty()) break;
      }
      net::post(
          self->stream_.get_executor(),
          [then = std::move(then), piece = std::move(piece)]() mutable { then(std::move(piece)); });
    });
  }

  // A streamed answer (docs/api.md, "Limits"): the headers with chunked transfer encoding, then
  // one chunk per piece, each made only once the previous one was written to the socket, so a
  // connection holds one piece at a time; each write has its own deadline. HEAD: headers only.
  void SendStreamed(const Response& r, std::string first_piece, bool keep_alive) {
    piece_ = std::move(first_piece);
    stream_head_.emplace();
    SetHeaders(*stream_head_, r, keep_alive);
    stream_head_->chunked(true);
    stream_serializer_.emplace(*stream_head_);
    stream_.expires_after(shared_->options.write_timeout);
    http::async_write_header(stream_, *stream_serializer_,
                             [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                               if (ec || self->head_) return self->OnWrite(keep_alive, ec, 0);
                               self->WritePiece(keep_alive);
                             });
  }

  void WritePiece(bool keep_alive) {
    stream_.expires_after(shared_->options.write_timeout);
    net::async_write(stream_, http::make_chunk(net::buffer(piece_)),
                     [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                       if (ec) return self->OnWrite(keep_alive, ec, 0);
                       self->OnPieceWritten(keep_alive);
                     });
  }

  void OnPieceWritten(bool keep_alive) {
    piece_ = std::string();  // written: let it go before the next one is made
    held_.Set(0);
    MakePiece([self = shared_from_this(), keep_alive](Result<std::optional<std::string>> next) {
      self->OnPiece(keep_alive, std::move(next));
    });
  }

  void OnPiece(bool keep_alive, Result<std::optional<std::string>> next) {
    if (!next.ok()) return CutOff(next.status());
    if (*next) {
      piece_ = std::move(**next);
      held_.Set(piece_.size());
      return WritePiece(keep_alive);
    }
    stream_.expires_after(shared_->options.write_timeout);
    net::async_write(stream_, http::make_chunk_last(),
                     beast::bind_front_handler(&Session::OnWrite, shared_from_this(), keep_alive));
  }

  // A streamed body that failed midway: the status and some of the body are out, so the only
  // honest end is to close without the terminating chunk; the client sees an incomplete answer.
  void CutOff(const Status& error) {
    LogLine(LogLevel::kError, "an answer was cut off: its body failed midway",
            {{"request_id", request_id_}, {"path", path_}, {"error", error.ToString()}});
    EndAnswer();
    Close();
  }

  void OnWrite(bool keep_alive, beast::error_code ec, size_t) {
    EndAnswer();
    if (ec) return Close();
    if (!keep_alive) return Linger();
    DoRead();
  }

  // Forgets the answer that was sent (or given up), and what it held.
  void EndAnswer() {
    response_.reset();
    stream_serializer_.reset();
    stream_head_.reset();
    source_ = nullptr;
    piece_ = std::string();
    held_.Set(0);
    answered_ = {};
    request_id_.clear();
    head_ = false;
    busy_ = false;
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
  // A streamed answer in progress: its headers, their serializer, its body and current piece.
  std::optional<http::response<http::empty_body>> stream_head_;
  std::optional<http::response_serializer<http::empty_body>> stream_serializer_;
  BodySource source_;
  std::string piece_;
  HeldAnswer held_;  // what this connection's answer holds in memory
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
