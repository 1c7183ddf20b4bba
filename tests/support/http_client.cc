#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace tl::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace json = boost::json;
using tcp = net::ip::tcp;

json::value HttpResponse::Json() const { return json::parse(body); }

std::string HttpResponse::ErrorCode() const {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return "";
  const json::value* error = v.as_object().if_contains("error");
  if (!error || !error->is_object()) return "";
  const json::value* code = error->as_object().if_contains("code");
  return code && code->is_string() ? std::string(code->as_string()) : "";
}

struct HttpClient::Impl {
  explicit Impl(uint16_t p) : port(p), socket(ioc) {}
  void Connect() {
    boost::system::error_code ec;
    socket.close(ec);
    socket = tcp::socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    socket.set_option(tcp::no_delay(true));
    buffer.clear();
    connected = true;
  }
  uint16_t port;
  net::io_context ioc;
  tcp::socket socket;
  beast::flat_buffer buffer;
  bool connected = false;
};

HttpClient::HttpClient(uint16_t port, std::string token)
    : impl_(std::make_unique<Impl>(port)), token_(std::move(token)) {}
HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Post(const std::string& target, const json::value& body) {
  return Send("POST", target, json::serialize(body));
}

HttpResponse HttpClient::Put(const std::string& target, const json::value& body) {
  return Send("PUT", target, json::serialize(body));
}

HttpResponse HttpClient::Send(const std::string& method, const std::string& target,
                              const std::string& body,
                              const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  for (const auto& [k, v] : headers) req.set(k, v);  // after: a test may set its own type
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (!impl_->connected) impl_->Connect();
      http::write(impl_->socket, req);
      http::response_parser<http::string_body> parser;
      parser.body_limit(1u << 30);
      parser.skip(method == "HEAD");
      http::read(impl_->socket, impl_->buffer, parser);
      auto res = parser.release();
      HttpResponse out;
      out.status = static_cast<int>(res.result_int());
      out.body = std::move(res.body());
      for (const auto& field : res) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(field.value());
      }
      if (!res.keep_alive()) impl_->connected = false;
      return out;
    } catch (const boost::system::system_error&) {
      // A kept-alive connection the server closed: reconnect once.
      impl_->connected = false;
    }
  }
  return HttpResponse{};
}

RawConnection::RawConnection(uint16_t port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket");
  // Before connect, so that the window offered in the handshake is already the small one.
  if (receive_buffer > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect");
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Write(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string RawConnection::ReadUntilClose(std::chrono::milliseconds timeout, bool* closed) {
  std::string out;
  *closed = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return out;
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // orderly close, or a reset: either way the server closed it
      *closed = true;
      return out;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
}

int StatusOfRaw(const std::string& bytes) {
  if (bytes.size() < 12 || bytes.compare(0, 5, "HTTP/") != 0) return 0;
  const size_t space = bytes.find(' ');
  if (space == std::string::npos || space + 4 > bytes.size()) return 0;
  return std::atoi(bytes.substr(space + 1, 3).c_str());
}

}  // namespace tl::testing
