// The one table from a Status to an HTTP status and the API's error code (docs/api.md,
// "Errors"). Every error a handler returns goes through StatusResponse, so no other file
// decides a status code, and nothing below the server speaks HTTP.
#pragma once

#include <string_view>

#include "ledger/domain/status.h"
#include "server/http_message.h"

namespace tl::server {

struct HttpError {
  int status;
  std::string_view code;  // the API's snake_case error code
};

// By the table: the code decides the HTTP status; the API code is the status's reason where
// the reason is the contract's own word (a field error, a rule's name, a conflict), otherwise
// the code's word.
HttpError HttpErrorFor(const Status& status);

// The API's error body for `status`, plus a top-level "current_version" for a version
// conflict. Storage and internal errors answer with a fixed message: their details go to the
// server's log, not to clients. Corruption names the seq (never the altered event).
Response StatusResponse(const Status& status);

}  // namespace tl::server
