// The services docs/api.md's endpoints use: the ledger, the read models and their report bodies,
// the write path, the tokens, the metrics, the page's files. Owned by whoever wires the server
// (server/stack.cc); the context only refers to them, and they outlive every request. The route
// table binds each endpoint's handler to the one service it uses (api_routes.cc).
#pragma once

#include <cstdint>

#include "app/command_handler.h"
#include "ledger/store/event_log.h"
#include "projections/projections.h"
#include "server/auth.h"
#include "server/handlers.h"
#include "server/metrics.h"
#include "server/report_bodies.h"

namespace tl::server {

struct ServerContext {
  ServerContext(ledger::EventLog& log, projections::Projections& projections,
                app::CommandHandler& commands, const Authenticator& auth, ServerMetrics& metrics,
                ReportBodies& reports, StaticAssets static_assets = {},
                uint64_t ready_max_lag = 4096, const app::LedgerIntegrity* integrity = nullptr,
                const app::CheckpointSigner* signer = nullptr,
                app::LedgerBackups* backups = nullptr)
      : log(log),
        projections(projections),
        commands(commands),
        auth(auth),
        metrics(metrics),
        reports(reports),
        static_assets(std::move(static_assets)),
        audit{log, signer},
        operations{projections, metrics, ready_max_lag, integrity, audit},
        writes{commands, metrics},
        backups{backups},
        listing{&projections},
        erasures{&log} {}

  ledger::EventLog& log;
  projections::Projections& projections;
  app::CommandHandler& commands;
  const Authenticator& auth;
  ServerMetrics& metrics;
  ReportBodies& reports;
  // Serves GET / and GET /assets/... without a token (the dashboard page, issue 5). Unset:
  // nothing is served there.
  StaticAssets static_assets;
  // The views the audit, operations, write and backup endpoints take (handlers.h).
  AuditLog audit;
  Operations operations;
  WritePath writes;
  Backups backups;
  // Set by whoever wires mail intake (server/stack.cc); else POST mail/inbound is 503.
  MailInbound mail;
  FeedbackPages feedback;
  // The requester lookup is set by whoever has the master key (server/stack.cc).
  TicketListing listing;
  Erasures erasures;
};

}  // namespace tl::server
