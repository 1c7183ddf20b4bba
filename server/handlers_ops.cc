// Operations endpoints: liveness, readiness, metrics; and the dashboard page's files.
#include <fmt/format.h>

#include <boost/json/object.hpp>
#include <iterator>

#include "server/handlers.h"
#include "server/process_metrics.h"

namespace tl::server {

namespace json = boost::json;

Response Healthz(const Request&) { return JsonResponse(200, json::object{{"status", "ok"}}); }

Response Readyz(const Request&, const Operations& ops) {
  const ledger::Seq applied = ops.read_models.applied_seq();
  const uint64_t lag = ops.read_models.Lag();
  bool ready = lag <= ops.ready_max_lag;
  json::object body{{"ready", ready}, {"applied_seq", applied.value()}, {"lag", lag}};
  if (ops.integrity) {
    // A corrupt ledger is not ready: it serves reads, but takes no writes.
    const app::LedgerIntegrity::Snapshot integrity = ops.integrity->snapshot();
    json::object o{{"state", app::LedgerIntegrity::StateName(integrity.state)},
                   {"checked_events", integrity.checked.value()},
                   {"total_events", integrity.total.value()}};
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
void WriteIntegrityMetrics(const Operations& ops, std::string* out) {
  if (!ops.integrity) return;
  const app::LedgerIntegrity::Snapshot integrity = ops.integrity->snapshot();
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
  if (!ops.audit.signer) return;
  fmt::format_to(std::back_inserter(*out),
                 "# HELP ticketledger_checkpoints_signed_total Checkpoints of the Merkle tree "
                 "signed since the server started.\n"
                 "# TYPE ticketledger_checkpoints_signed_total counter\n"
                 "ticketledger_checkpoints_signed_total {}\n",
                 ops.audit.signer->signed_count());
  auto latest = ops.audit.log.LatestSignedCheckpoint();
  if (latest.ok() && *latest) {
    // The age as well as the time: the server's clock is the one that signs, so an alert on
    // the age needs no clock comparison between Prometheus and the ledger's host.
    const double age = static_cast<double>(ledger::SystemClockNow() - (*latest)->signed_at) /
                       ledger::kNanosPerSecond;
    fmt::format_to(std::back_inserter(*out),
                   "# HELP ticketledger_signed_checkpoint_size The tree size of the latest "
                   "signed checkpoint.\n"
                   "# TYPE ticketledger_signed_checkpoint_size gauge\n"
                   "ticketledger_signed_checkpoint_size {}\n"
                   "# HELP ticketledger_signed_checkpoint_timestamp_seconds When the latest "
                   "checkpoint was signed (Unix time).\n"
                   "# TYPE ticketledger_signed_checkpoint_timestamp_seconds gauge\n"
                   "ticketledger_signed_checkpoint_timestamp_seconds {:.3f}\n"
                   "# HELP ticketledger_signed_checkpoint_age_seconds How long ago the latest "
                   "checkpoint was signed.\n"
                   "# TYPE ticketledger_signed_checkpoint_age_seconds gauge\n"
                   "ticketledger_signed_checkpoint_age_seconds {:.3f}\n",
                   (*latest)->size,
                   static_cast<double>((*latest)->signed_at) / ledger::kNanosPerSecond, age);
  }
}

// The bytes of the log's table files by column family (docs/log-format.md): what the disk
// holds beside the write-ahead log, for capacity planning.
void WriteStorageMetrics(const ledger::EventLog& log, std::string* out) {
  auto families = log.TableFileBytes();
  if (!families.ok()) return;
  *out +=
      "# HELP ticketledger_storage_table_bytes Bytes of the log's live table files (SST), by "
      "column family.\n"
      "# TYPE ticketledger_storage_table_bytes gauge\n";
  for (const auto& f : *families) {
    fmt::format_to(std::back_inserter(*out),
                   "ticketledger_storage_table_bytes{{family=\"{}\"}} {}\n", f.family, f.bytes);
  }
}

}  // namespace

Response Metrics(const Request&, const Operations& ops) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body.reserve(16 * 1024);
  ops.metrics.Write(ops.read_models.Lag(), &r.body);
  ops.read_models.WriteMetrics(&r.body, ops.metrics.top_label_values());
  WriteIntegrityMetrics(ops, &r.body);
  WriteStorageMetrics(ops.audit.log, &r.body);
  WriteProcessMetrics(&r.body);
  return r;
}

Response GetStatic(const Request& req, const StaticAssets& assets) {
  if (assets) {
    if (auto r = assets(req)) return std::move(*r);
  }
  return ErrorResponse(404, "not_found", "nothing is served at this path");
}

}  // namespace tl::server
