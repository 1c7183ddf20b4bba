// The endpoints of docs/api.md as plain functions of the request and the one service each uses: no
// sockets, no Beast, no routing. The route table (route_table.h, api_routes.cc) has matched
// the path, filled in its captures (Request::path_params), checked the method and, where the
// route needs one, authenticated the caller with the permission the endpoint needs; each
// function is unit-tested as it is (tests/server/handlers_test.cc).
//
// Reads answer at once. Writes parse and validate at once (answering 400/403 immediately) and
// then hand the command to the CommandHandler; its outcome comes later through `later`, on the
// ledger's threads (the caller posts it back to its connection). No write blocks the calling
// thread on an append.
#pragma once

#include <functional>
#include <optional>

#include "app/checkpoint_signer.h"
#include "app/command_handler.h"
#include "app/feedback_links.h"
#include "app/ledger_backup.h"
#include "app/ledger_integrity.h"
#include "app/mail_intake.h"
#include "app/requester_lookup.h"
#include "ledger/store/event_log.h"
#include "projections/projections.h"
#include "server/auth.h"
#include "server/http_message.h"
#include "server/metrics.h"
#include "server/report_bodies.h"
#include "server/route_table.h"

namespace tl::server {

// Tickets and reference data, from the read models. `{id}` is the ticket id capture.
Response GetTicket(const Request& req, const projections::Projections& read_models);  // {id}
// GET /api/v1/tickets: the read models' tickets, filtered; `requester=ADDR` keeps those the
// requester index finds (docs/privacy.md), which needs `requesters` (without it: 400 bad_field).
struct TicketListing {
  const projections::Projections* read_models = nullptr;
  const app::RequesterLookup* requesters = nullptr;
};
Response ListTickets(const Request& req, TicketListing& listing);
Response GetQueues(const Request& req, const projections::Projections& read_models);
Response GetServices(const Request& req, const projections::Projections& read_models);

// Audit, from the log.
Response GetHistory(const Request& req, const ledger::EventLog& log);  // {id}
Response GetEvents(const Request& req, const ledger::EventLog& log);

// The transparency log: the log's Merkle tree and signed checkpoints, and the key that signs
// them (handlers_audit.cc; docs/api.md, "Transparency log").
struct AuditLog {
  const ledger::EventLog& log;
  const app::CheckpointSigner* signer = nullptr;  // null: this server signs no checkpoints
};
Response GetVerify(const Request& req, const AuditLog& audit);
Response GetAuditKey(const Request& req, const AuditLog& audit);
Response GetAuditCheckpoint(const Request& req, const AuditLog& audit);
Response GetAuditCheckpoints(const Request& req, const AuditLog& audit);
Response GetInclusionProof(const Request& req, const AuditLog& audit);
Response GetConsistencyProof(const Request& req, const AuditLog& audit);

// A report (`endpoint` is one of ReportEndpoints(), bound by its route).
Response GetReport(const Request& req, ReportBodies& reports, const ReportEndpoint& endpoint);

// What the operations endpoints read: the read models' progress against the log and their
// metrics, the server's own metrics, how far behind still counts as ready, and the ledger's
// integrity and signing.
struct Operations {
  const projections::Projections& read_models;
  const ServerMetrics& metrics;
  // /readyz answers 503 while the read models trail the log by more than this many events.
  uint64_t ready_max_lag = 4096;
  // A corrupt ledger is not ready (null: not checked, e.g. in unit tests).
  const app::LedgerIntegrity* integrity = nullptr;
  AuditLog audit;
};
Response Healthz(const Request& req);
Response Readyz(const Request& req, const Operations& ops);
Response Metrics(const Request& req, const Operations& ops);

// Backups (handlers_backup.cc; docs/api.md, "Backups"): the server's backup directory, or
// null when `serve` was started without --backup-dir (then 409 backups_not_configured).
struct Backups {
  app::LedgerBackups* service = nullptr;
};
// POST takes a backup of the live ledger on the calling thread (appends go on meanwhile).
Response PostBackup(const Request& req, Backups& backups);
Response GetBackups(const Request& req, Backups& backups);

// Erasure (handlers_privacy.cc; docs/api.md, "Personal data and erasure"): the ledger whose
// tickets' personal data is erased.
struct Erasures {
  ledger::EventLog* log = nullptr;
  // For erasure by requester: the tickets the requester index finds (app/requester_lookup.h).
  const app::RequesterLookup* requesters = nullptr;
};
// POST /api/v1/privacy/erasures {"ticket": N | "requester": ADDR, "reason"}: appends, destroys
// the keys, answers.
// Answers on the calling thread (it does not take `later`): the erasure is done when it answers.
std::optional<Response> PostErasure(const Request& req, const Principal& caller, Erasures& erasures,
                                    Later later);

// GET / and GET /assets/...: the dashboard page's files (server/web), or nullopt for a file
// it does not have (then 404). Unset: nothing is served there.
using StaticAssets = std::function<std::optional<Response>(const Request&)>;
Response GetStatic(const Request& req, const StaticAssets& assets);

// What the write endpoints use: the command handler, and the metrics that time its appends.
struct WritePath {
  app::CommandHandler& commands;
  ServerMetrics& metrics;
};
// Writes: nullopt means the answer comes through `later`.
std::optional<Response> PostTicket(const Request& req, const Principal& caller, WritePath& writes,
                                   Later later);
std::optional<Response> PostAction(const Request& req, const Principal& caller, WritePath& writes,
                                   Later later);  // {id}
std::optional<Response> PutQueue(const Request& req, const Principal& caller, WritePath& writes,
                                 Later later);  // {name}
std::optional<Response> PutService(const Request& req, const Principal& caller, WritePath& writes,
                                   Later later);  // {name}

// Incoming mail (handlers_mail.cc; docs/api.md, "Mail"): the body is the raw message, up to
// kMailBodyLimit whatever the server's body limit (session.cc raises it for this route).
inline constexpr std::string_view kMailInboundPath = "/api/v1/mail/inbound";
inline constexpr size_t kMailBodyLimit = 10u << 20;
struct MailInbound {
  app::MailIntake* intake = nullptr;  // null: not wired (unit tests); 503
};
std::optional<Response> PostMailInbound(const Request& req, const Principal& caller,
                                        MailInbound& mail, Later later);

// The feedback page (handlers_feedback.cc; docs/api.md, "Mail"): GET shows the form of a
// signed link's ticket, POST records `feedback_received` once. No token: the link is the key.
struct FeedbackPages {
  const app::FeedbackLinks* links = nullptr;  // null: no feedback links (404)
  app::CommandHandler* commands = nullptr;
  const projections::Projections* read_models = nullptr;
};
Response GetFeedbackPage(const Request& req, FeedbackPages& pages);  // {token}
std::optional<Response> PostFeedbackPage(const Request& req, FeedbackPages& pages,
                                         Later later);  // {token}

}  // namespace tl::server
