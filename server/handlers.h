// The endpoints of API.md as plain functions of (request, context) -> response: no sockets,
// no Beast. The router has already matched the path, checked the method and authenticated the
// caller with the permission the endpoint needs.
//
// Reads answer at once. Writes parse and validate at once (answering 400/403 immediately) and
// then hand the command to the CommandHandler; its outcome comes later through `later`, on the
// ledger's threads (the caller posts it back to its connection). No write blocks the
// calling thread on an append.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "ledger/domain/types.h"
#include "server/auth.h"
#include "server/context.h"
#include "server/http_message.h"

namespace tl::server {

using Later = std::function<void(Response)>;

// Tickets, reference data, audit.
Response GetTicket(const Request& req, ServerContext& ctx, ledger::TicketId id);
Response ListTickets(const Request& req, ServerContext& ctx);
Response GetHistory(const Request& req, ServerContext& ctx, ledger::TicketId id);
Response GetEvents(const Request& req, ServerContext& ctx);
Response GetVerify(const Request& req, ServerContext& ctx);
Response GetQueues(const Request& req, ServerContext& ctx);
Response GetServices(const Request& req, ServerContext& ctx);
// `name` is a report endpoint's (server/report_bodies.h).
Response GetReport(const Request& req, ServerContext& ctx, std::string_view name);

// Operations.
Response Healthz(ServerContext& ctx);
Response Readyz(ServerContext& ctx);
Response Metrics(ServerContext& ctx);
Response BenchBare();

// Writes: nullopt means the answer comes through `later`.
std::optional<Response> PostTicket(const Request& req, ServerContext& ctx,
                                   const Principal& principal, Later later);
std::optional<Response> PostAction(const Request& req, ServerContext& ctx,
                                   const Principal& principal, ledger::TicketId id, Later later);
std::optional<Response> PutQueue(const Request& req, ServerContext& ctx,
                                 const Principal& principal, std::string name, Later later);
std::optional<Response> PutService(const Request& req, ServerContext& ctx,
                                   const Principal& principal, std::string name, Later later);

}  // namespace tl::server
