#include "server/error_mapping.h"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <array>
#include <cstdio>

namespace tl::server {

namespace json = boost::json;

namespace {

struct Mapping {
  StatusCode code;
  int http;
};

// Corruption is 503: the store cannot serve this request, and nothing was written; the
// operator finds the cause in the log (stderr), the client retries later.
constexpr std::array kTable = {
    Mapping{StatusCode::kOk, 200},
    Mapping{StatusCode::kMissingField, 400},
    Mapping{StatusCode::kBadField, 400},
    Mapping{StatusCode::kNotFound, 404},
    Mapping{StatusCode::kVersionConflict, 409},
    Mapping{StatusCode::kIdempotencyConflict, 409},
    Mapping{StatusCode::kRuleViolation, 422},
    Mapping{StatusCode::kCorruption, 503},
    Mapping{StatusCode::kUnavailable, 503},
    Mapping{StatusCode::kInternal, 500},
};

}  // namespace

int HttpStatusFor(StatusCode code) {
  for (const Mapping& m : kTable) {
    if (m.code == code) return m.http;
  }
  return 500;
}

Response StatusResponse(const Status& status) {
  const int http = HttpStatusFor(status.code());
  if (status.code() == StatusCode::kCorruption || status.code() == StatusCode::kUnavailable ||
      status.code() == StatusCode::kInternal) {
    fmt::print(stderr, "{{\"level\":\"error\",\"error\":{}}}\n",
               json::serialize(json::value(status.ToString())));
    return ErrorResponse(http, http == 500 ? "internal" : "unavailable",
                         http == 500 ? "internal error" : "storage unavailable; nothing was written");
  }
  if (status.code() != StatusCode::kVersionConflict) {
    return ErrorResponse(http, status.api_code(), status.message());
  }
  const std::string_view code = status.api_code(), message = status.message();
  json::object body{{"error", json::object{{"code", json::string_view(code.data(), code.size())},
                                           {"message", json::string_view(message.data(),
                                                                         message.size())}}},
                    {"current_version", status.current_version()}};
  return JsonResponse(http, body);
}

}  // namespace tl::server
