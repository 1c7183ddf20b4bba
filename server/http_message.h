// Request and response values: what a handler sees and returns, independent of sockets and of
// Beast, so that handlers are plain functions testable without a connection.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/domain/result.h"

namespace tl::server {

// Query parameters as they arrive in a URL (already percent-decoded).
using QueryParams = std::map<std::string, std::string, std::less<>>;
// The captures of a route's pattern, by name ("{id:ticket}" -> {"id", "42"}), in pattern order.
using PathParams = std::vector<std::pair<std::string, std::string>>;

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };

std::string_view MethodName(Method m);

struct Request {
  Method method = Method::kGet;
  std::string method_text;    // as sent, for the access log
  std::string path;           // percent-decoded, without the query
  QueryParams query;          // percent-decoded
  PathParams path_params;     // filled in by the route table (route_table.h)
  std::string authorization;  // the Authorization header, as sent
  std::string content_type;
  std::string body;
};

// The body of a large answer, made piece by piece so that no connection holds it whole
// (docs/api.md, "Limits"). Each call gives the next piece, or nullopt once the body is complete;
// the session calls it again only after the previous piece was written to the socket, never
// after nullopt or an error, one call at a time, on the server's piece thread (server.cc). An error
// cuts the answer off: the connection is closed without the terminating chunk, so the client sees
// an incomplete body. It may refer to services that outlive the server (the log), never to the
// request.
using BodySource = std::function<Result<std::optional<std::string>>()>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // When set, the body comes from here instead of `body`, sent with chunked transfer encoding.
  BodySource body_source;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, ...)
  std::string error_code;  // an error's JSON code (ErrorResponse), for the metrics
};

// The value of path capture `name`; empty when the request has none.
std::string_view PathParam(const Request& req, std::string_view name);

// A JSON body with the given status.
Response JsonResponse(int status, const boost::json::object& body);
// docs/api.md's error shape {"error": {"code", "message"}} with the given status.
Response ErrorResponse(int status, std::string_view code, std::string_view message);

}  // namespace tl::server
