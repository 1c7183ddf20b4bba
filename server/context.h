// What the handlers share: the ledger, the read models and their report bodies, the write
// path, the tokens, the metrics. Owned by whoever wires the server (tools/cmd_serve.cc, the HTTP benchmark); the
// context only refers to them, and they outlive every request.
#pragma once

#include <functional>
#include <optional>

#include "app/command_handler.h"
#include "ledger/store/event_log.h"
#include "projections/projections.h"
#include "server/auth.h"
#include "server/http_message.h"
#include "server/metrics.h"
#include "server/report_bodies.h"

namespace tl::server {

struct ServerContext {
  ledger::EventLog& log;
  projections::Projections& projections;
  app::CommandHandler& commands;
  const Authenticator& auth;
  ServerMetrics& metrics;
  ReportBodies& reports;
  // Serves GET / and GET /assets/... without a token (the dashboard page, issue 5). Returns
  // nullopt for a file it does not have (404). Unset: nothing is served there yet.
  std::function<std::optional<Response>(const Request&)> static_assets;
  // GET /bench/bare answers a fixed 200-byte body without touching anything: the baseline of
  // `ticketledger bench http`. Off in `serve`.
  bool bench_bare_route = false;
  // /readyz answers 503 while the read models trail the log by more than this many events
  // (a commit in flight is applied before its writers are answered, so a healthy server trails
  // by at most one group commit).
  uint64_t ready_max_lag = 4096;
};

}  // namespace tl::server
