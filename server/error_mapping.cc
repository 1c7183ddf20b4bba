#include "server/error_mapping.h"

#include <fmt/format.h>

#include <array>
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "ledger/domain/log_line.h"

namespace tl::server {

namespace json = boost::json;

namespace {

struct Mapping {
  StatusCode code;
  std::string_view reason;  // empty: any reason
  int http;
  std::string_view api_code;  // empty: the status's reason is the API's code
  bool hide_message;          // the client gets a fixed message; the details are logged
};

// First match wins. A refused write on a ledger that failed its integrity checks is 503
// ledger_corrupt (nothing was appended; reads go on), a read that met a damaged event 500
// corruption.
constexpr std::array kTable = {
    Mapping{StatusCode::kInvalidArgument, "", 400, "",
            false},  // missing_field, bad_field, bad_json
    Mapping{StatusCode::kNotFound, "", 404, "not_found", false},
    Mapping{StatusCode::kPermissionDenied, "", 403, "forbidden", false},
    Mapping{StatusCode::kAborted, "", 409, "", false},  // version_conflict, idempotency_conflict
    // The server was started without --backup-dir: nothing the request can change.
    Mapping{StatusCode::kFailedPrecondition, "backups_not_configured", 409, "", false},
    Mapping{StatusCode::kFailedPrecondition, "", 422, "", false},  // the broken rule's name
    Mapping{StatusCode::kResourceExhausted, "", 503, "storage_full", true},
    Mapping{StatusCode::kUnavailable, "", 503, "unavailable", true},
    Mapping{StatusCode::kDataLoss, reason::kLedgerCorrupt, 503, "ledger_corrupt", false},
    Mapping{StatusCode::kDataLoss, "", 500, "corruption", false},
    Mapping{StatusCode::kInternal, "", 500, "internal", true},
};

const Mapping& MappingFor(const Status& status) {
  for (const Mapping& m : kTable) {
    if (m.code == status.code() && (m.reason.empty() || m.reason == status.reason())) return m;
  }
  static constexpr Mapping kUnknown{StatusCode::kInternal, "", 500, "internal", true};
  return kUnknown;
}

std::string_view FixedMessage(int http) {
  return http == 500 ? "internal error" : "storage unavailable; nothing was written";
}

}  // namespace

HttpError HttpErrorFor(const Status& status) {
  const Mapping& m = MappingFor(status);
  return HttpError{m.http, m.api_code.empty() ? status.reason() : m.api_code};
}

Response StatusResponse(const Status& status) {
  const Mapping& m = MappingFor(status);
  const HttpError error = HttpErrorFor(status);
  if (m.hide_message || m.code == StatusCode::kDataLoss) {
    LogLine(LogLevel::kError, "answered with an internal, storage or corruption error",
            {{"error", status.ToString()}});
  }
  if (m.hide_message) {
    std::string_view message = m.code == StatusCode::kResourceExhausted
                                   ? "storage is full; nothing was written"
                                   : FixedMessage(m.http);
    return ErrorResponse(error.status, error.code, message);
  }
  if (status.reason() != reason::kVersionConflict) {
    return ErrorResponse(error.status, error.code, status.message());
  }
  const std::string_view code = error.code, message = status.message();
  json::object body{
      {"error", json::object{{"code", json::string_view(code.data(), code.size())},
                             {"message", json::string_view(message.data(), message.size())}}},
      {"current_version", status.current_version()}};
  Response r = JsonResponse(error.status, body);
  r.error_code = code;
  return r;
}

}  // namespace tl::server
