// The router: path -> endpoint, method check (405 with Allow), authentication (401) and the
// role's permission (403), then the handler. The table of endpoints is in router.cc; it is the
// one place that says which role may call what.
#pragma once

#include <optional>

#include "server/context.h"
#include "server/handlers.h"
#include "server/http_message.h"

namespace tl::server {

// Answers `req`: at once (the return value) or, for a write that reached the ledger, later
// through `later` (called exactly once, possibly on another thread). HEAD is answered as GET;
// the caller drops the body. `*actor` is set to the caller's actor once authenticated (for the
// access log; empty for anonymous requests).
std::optional<Response> Route(const Request& req, ServerContext& ctx, Later later,
                              std::string* actor);

}  // namespace tl::server
