// The one table from the ledger's StatusCode to an HTTP status (API.md "Conventions"). Every
// error a handler returns goes through StatusResponse, so no other file decides a status code.
#pragma once

#include "ledger/domain/status.h"
#include "server/http_message.h"

namespace tl::server {

// 400, 404, 409, 422, 503 or 500, by the table.
int HttpStatusFor(StatusCode code);

// API.md's error body for `status`: its api_code() and message, plus a top-level
// "current_version" for version_conflict. Corruption and internal errors answer 503/500 with a
// fixed message: their details go to the log, not to clients.
Response StatusResponse(const Status& status);

}  // namespace tl::server
