// Stack: the log, the read models, the write path and the HTTP server wired together in the
// order their lifetimes need (no singletons: whoever runs a server wires it). Used by
// `ticketledger serve` and by `ticketledger bench http`, so that the benchmark measures the
// server exactly as it is deployed.
//
// Order of construction: EventLog -> Projections (docs/api.md's read models, attached as the commit
// listener) -> CommandHandler -> report bodies -> route table (docs/api.md's routes, then
// StackOptions::extra_routes) -> Server. Close() is the graceful shutdown: the server stops
// accepting and answers what is in flight, the read models write their checkpoints, then the log
// drains its queue and closes; only then are the others destroyed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/checkpoint_signer.h"
#include "app/command_handler.h"
#include "app/ledger_backup.h"
#include "app/ledger_integrity.h"
#include "app/mail_intake.h"
#include "app/outbox.h"
#include "app/requester_lookup.h"
#include "ledger/store/event_log.h"
#include "projections/projections.h"
#include "server/auth.h"
#include "server/context.h"
#include "server/metrics.h"
#include "server/report_bodies.h"
#include "server/route_table.h"
#include "server/server.h"

namespace tl::server {

struct StackOptions {
  std::string data_dir;
  ServerOptions server;
  ServerMetrics::Options metrics;  // the version in ticketledger_build_info, label bounds
  ledger::LogOptions log;
  projections::Options projections;
  // The signing key's file (created on first start; empty: <data_dir>/signing.key) and the
  // origin a new key is named for (empty: app::DefaultOrigin()); docs/operations.md.
  std::string signing_key;
  std::string origin;
  // The master key file that wraps the tickets' data keys (docs/privacy.md; created with the key
  // store on first start, mode 0600; empty: <data_dir>/master.key).
  std::string master_key;
  // An occurred_at further than this ahead of the server's clock is 422 time_in_future.
  ledger::TimeNs max_time_ahead = app::CommandHandler::kDefaultMaxAhead;
  // A grown log has a signed checkpoint within this long.
  std::chrono::milliseconds sign_within{1000};
  // Where POST /api/v1/admin/backups puts its backups (docs/operations.md, "Backups"); empty:
  // the server takes none.
  std::string backup_dir;
  // ServerContext::static_assets: the dashboard page's files (server/web), or unset.
  StaticAssets static_assets;
  // Routes served besides docs/api.md's, added after them (e.g. the HTTP benchmark's bare handler,
  // which the product does not serve). Their handlers must not outlive the Stack's services.
  std::vector<Route> extra_routes;
  // The desk's mail (docs/mail.md): tags, its address, its Message-IDs' domain. Intake always
  // runs (POST /api/v1/mail/inbound).
  app::MailSettings mail;
  // Set (serve --smtp): the outbox sends the desk's mail and appends the invitations; its
  // `mail` is taken from the field above. Unset: nothing is sent and nobody is invited.
  std::optional<app::OutboxOptions> outbox;
};

class Stack {
 public:
  // Opens the log (creating it if missing), catches the read models up and starts serving.
  static Result<std::unique_ptr<Stack>> Start(StackOptions options, Authenticator auth);
  ~Stack();  // Close() if not done
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  uint16_t port() const { return server_->port(); }
  ledger::EventLog& log() { return *log_; }
  projections::Projections& projections() { return *projections_; }
  app::CommandHandler& commands() { return *commands_; }
  app::LedgerIntegrity& integrity() { return *integrity_; }
  app::CheckpointSigner& signer() { return *signer_; }

  // Graceful shutdown (see above). Returns the checkpoint's status; idempotent.
  Status Close();

 private:
  Stack() = default;
  Authenticator auth_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<ledger::EventLog> log_;
  std::unique_ptr<projections::Projections> projections_;
  std::unique_ptr<app::LedgerIntegrity> integrity_;
  std::unique_ptr<app::CheckpointSigner> signer_;
  std::unique_ptr<app::ProjectionStateSource> states_;
  std::unique_ptr<app::CommandHandler> commands_;
  std::unique_ptr<ReportBodies> reports_;
  std::unique_ptr<app::MailIntake> mail_intake_;
  std::unique_ptr<app::FeedbackLinks> feedback_links_;
  std::unique_ptr<app::Outbox> outbox_;          // null without --smtp
  std::unique_ptr<app::LedgerBackups> backups_;  // null without a backup directory
  std::unique_ptr<app::RequesterLookup> requesters_;
  std::unique_ptr<ServerContext> context_;
  std::unique_ptr<RouteTable> routes_;
  std::unique_ptr<Server> server_;
  bool closed_ = false;
};

}  // namespace tl::server
