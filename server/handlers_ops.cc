// Operations endpoints: liveness, readiness, metrics, and the benchmark's bare handler.
#include <boost/json/object.hpp>
#include <fmt/format.h>

#include <iterator>

#include "server/handlers.h"

namespace tl::server {

namespace json = boost::json;

namespace {

uint64_t Lag(ServerContext& ctx) {
  // Read the applied seq first: the head only grows, so the lag is never negative.
  const ledger::Seq applied = ctx.projections.applied_seq();
  const ledger::Seq head = ctx.log.Head().seq;
  return head > applied ? head - applied : 0;
}

}  // namespace

Response Healthz(ServerContext&) { return JsonResponse(200, json::object{{"status", "ok"}}); }

Response Readyz(ServerContext& ctx) {
  const ledger::Seq applied = ctx.projections.applied_seq();
  const uint64_t lag = Lag(ctx);
  bool ready = lag <= ctx.ready_max_lag;
  json::object body{{"ready", ready}, {"applied_seq", applied}, {"lag", lag}};
  if (ctx.integrity) {
    // A corrupt ledger is not ready: it serves reads, but takes no writes.
    const app::LedgerIntegrity::Snapshot integrity = ctx.integrity->snapshot();
    json::object o{{"state", app::LedgerIntegrity::StateName(integrity.state)},
                   {"checked_events", integrity.checked},
                   {"total_events", integrity.total}};
    if (integrity.state == app::LedgerIntegrity::State::kCorrupt) {
      o["problem"] = integrity.problem;
      ready = false;
    }
    body["ready"] = ready;
    body["integrity"] = std::move(o);
  }
  return JsonResponse(ready ? 200 : 503, body);
}

namespace {

// The integrity and signing families (docs/operations.md, "Metrics").
void WriteIntegrityMetrics(ServerContext& ctx, std::string* out) {
  if (!ctx.integrity) return;
  const app::LedgerIntegrity::Snapshot integrity = ctx.integrity->snapshot();
  fmt::format_to(std::back_inserter(*out),
                 "# HELP ticketledger_ledger_corrupt 1 when the ledger failed an integrity check "
                 "and refuses writes.\n"
                 "# TYPE ticketledger_ledger_corrupt gauge\n"
                 "ticketledger_ledger_corrupt {}\n"
                 "# HELP ticketledger_integrity_verified_events Events the background integrity "
                 "check has verified since the server started.\n"
                 "# TYPE ticketledger_integrity_verified_events gauge\n"
                 "ticketledger_integrity_verified_events {}\n",
                 integrity.state == app::LedgerIntegrity::State::kCorrupt ? 1 : 0,
                 integrity.checked);
  if (!ctx.signer) return;
  fmt::format_to(std::back_inserter(*out),
                 "# HELP ticketledger_checkpoints_signed_total Checkpoints of the Merkle tree "
                 "signed since the server started.\n"
                 "# TYPE ticketledger_checkpoints_signed_total counter\n"
                 "ticketledger_checkpoints_signed_total {}\n",
                 ctx.signer->signed_count());
  auto latest = ctx.log.LatestSignedCheckpoint();
  if (latest.ok() && *latest) {
    fmt::format_to(std::back_inserter(*out),
                   "# HELP ticketledger_signed_checkpoint_size The tree size of the latest "
                   "signed checkpoint.\n"
                   "# TYPE ticketledger_signed_checkpoint_size gauge\n"
                   "ticketledger_signed_checkpoint_size {}\n"
                   "# HELP ticketledger_signed_checkpoint_timestamp_seconds When the latest "
                   "checkpoint was signed (Unix time).\n"
                   "# TYPE ticketledger_signed_checkpoint_timestamp_seconds gauge\n"
                   "ticketledger_signed_checkpoint_timestamp_seconds {:.3f}\n",
                   (*latest)->size,
                   static_cast<double>((*latest)->signed_at) / ledger::kNanosPerSecond);
  }
}

}  // namespace

Response Metrics(ServerContext& ctx) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body.reserve(16 * 1024);
  ctx.metrics.Write(Lag(ctx), &r.body);
  ctx.projections.WriteMetrics(&r.body);
  WriteIntegrityMetrics(ctx, &r.body);
  return r;
}

Response BenchBare() {
  static const std::string kBody = [] {
    // {"ok":true,"pad":"xxx..."}: 200 bytes, the size of a small JSON answer.
    std::string body = "{\"ok\":true,\"pad\":\"";
    body.append(200 - body.size() - 2, 'x');
    body += "\"}";
    return body;
  }();
  Response r;
  r.body = kBody;
  return r;
}

}  // namespace tl::server
