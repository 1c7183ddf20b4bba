#include "tools/http_get.h"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace tl::tools {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

Result<HttpAnswer> Exchange(http::verb method, const std::string& base, const std::string& path,
                            const std::string& token, const std::string& content_type,
                            std::string body) {
  constexpr std::string_view kScheme = "http://";
  if (!base.starts_with(kScheme)) {
    return Status::BadField(fmt::format("{}: only http:// URLs are supported", base));
  }
  std::string authority = base.substr(kScheme.size());
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  const size_t colon = authority.rfind(':');
  const std::string host = colon == std::string::npos ? authority : authority.substr(0, colon);
  const std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  try {
    net::io_context io;
    net::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> req{method, path, 11};
    req.set(http::field::host, authority);
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (method != http::verb::get) {
      req.set(http::field::content_type, content_type);
      req.body() = std::move(body);
      req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    return HttpAnswer{static_cast<int>(parser.get().result_int()), parser.get().body()};
  } catch (const std::exception& e) {
    return Status::Unavailable(
        fmt::format("{} {}{}: {}", std::string(http::to_string(method)), base, path, e.what()));
  }
}

}  // namespace

Result<HttpAnswer> HttpGet(const std::string& base, const std::string& path,
                           const std::string& token) {
  return Exchange(http::verb::get, base, path, token, "", "");
}

Result<HttpAnswer> HttpPost(const std::string& base, const std::string& path,
                            const std::string& token, const std::string& content_type,
                            std::string body) {
  return Exchange(http::verb::post, base, path, token, content_type, std::move(body));
}

}  // namespace tl::tools
