// Blocking HTTP/1.1 clients for tests over real loopback connections: HttpClient speaks proper
// requests on one kept-alive connection; RawConnection sends any bytes at all (garbage, slow
// drips, half requests) and reads what comes back.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace tl::testing {

struct HttpResponse {
  int status = 0;  // 0: no answer (the connection failed or was closed)
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  // The body parsed as JSON (throws on a non-JSON body, which fails the test).
  boost::json::value Json() const;
  // The error code of an docs/api.md error body, or "" when the body is not one.
  std::string ErrorCode() const;
};

class HttpClient {
 public:
  HttpClient(uint16_t port, std::string token = "");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void set_token(std::string token) { token_ = std::move(token); }

  HttpResponse Get(const std::string& target) { return Send("GET", target, ""); }
  HttpResponse Post(const std::string& target, const std::string& body) {
    return Send("POST", target, body);
  }
  HttpResponse Post(const std::string& target, const boost::json::value& body);
  HttpResponse Put(const std::string& target, const boost::json::value& body);
  // Any method, body and extra headers; the token (if any) is sent as a bearer token. Reconnects
  // once if the kept-alive connection was closed by the server.
  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body,
                    const std::map<std::string, std::string>& headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string token_;
};

class RawConnection {
 public:
  // `receive_buffer` (bytes, 0: the system's) caps what the connection takes in without being
  // read, so that a client that never reads soon stops the server's writes.
  explicit RawConnection(uint16_t port, int receive_buffer = 0);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends bytes; false when the server has closed the connection.
  bool Write(const std::string& bytes);
  // Reads until the server closes the connection or `timeout` passes; `*closed` tells which.
  std::string ReadUntilClose(std::chrono::milliseconds timeout, bool* closed);

 private:
  int fd_ = -1;
};

// The status code of the first HTTP response in raw bytes, or 0.
int StatusOfRaw(const std::string& bytes);

}  // namespace tl::testing
