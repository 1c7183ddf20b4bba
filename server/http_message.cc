#include "server/http_message.h"

#include <boost/json/serialize.hpp>

namespace tl::server {

namespace json = boost::json;

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kDelete:
      return "DELETE";
    case Method::kPatch:
      return "PATCH";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::string_view PathParam(const Request& req, std::string_view name) {
  for (const auto& [key, value] : req.path_params) {
    if (key == name) return value;
  }
  return {};
}

Response JsonResponse(int status, const json::object& body) {
  Response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  json::object error;
  error["code"] = json::string_view(code.data(), code.size());
  error["message"] = json::string_view(message.data(), message.size());
  Response r = JsonResponse(status, json::object{{"error", std::move(error)}});
  r.error_code = code;
  return r;
}

}  // namespace tl::server
