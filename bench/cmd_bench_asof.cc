// ticketledger-bench asof [--dir DIR] [--tickets N] [--seed S] [--repeat R] [--json]
//
// A report at a past point (docs/api.md "Looking into the past") on a generated history, through
// the server's report bodies as `GET /api/v1/reports/volume?as_of=…` answers it: the first
// request at a point folds the log up to it (projections/past_points.h), a second report at the
// same point reuses that fold. For each kind of point (a seq, an occurred_at time, a recorded_at
// time, each in the middle of the log) the median of R rounds, each at a point of its own so
// that every first request folds. Figures and the target (2 s on 2 M events):
// docs/benchmarks.md ("Reports at a past point").
#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "bench/bench_commands.h"
#include "bench/raw_rocksdb_baseline.h"
#include "ledger/domain/time_format.h"
#include "projections/projections.h"
#include "server/report_bodies.h"
#include "tools/generate/generator.h"
#include "tools/log_access.h"

namespace tl::bench {
namespace {

using namespace tl::tools;

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

struct Args {
  std::string dir = "bench-data/replay";
  uint64_t tickets = 190'000;
  uint64_t seed = 1;
  int repeat = 3;
  bool json = false;
};

// The query parameter of the point `kind` at the event with seq `seq`.
Result<std::pair<std::string, std::string>> PointAt(const ledger::EventLog& log, std::string kind,
                                                    ledger::Seq seq) {
  TL_ASSIGN_OR_RETURN(auto events, log.Read(seq.Prev(), 1));
  if (events.empty()) return Status::Internal(fmt::format("no event at seq {}", seq));
  const ledger::Event& e = events.front().event;
  if (kind == "seq") return std::pair{std::string("as_of"), std::to_string(seq.value())};
  if (kind == "occurred_at") {
    return std::pair{std::string("as_of"), ledger::FormatRfc3339(e.occurred_at)};
  }
  return std::pair{std::string("known_at"), ledger::FormatRfc3339(e.recorded_at)};
}

Status Run(const Args& args, json::object& out) {
  const std::string dir = fmt::format("{}/tickets-{}-seed-{}", args.dir, args.tickets, args.seed);
  if (!MayHoldLedger(dir)) {
    fmt::print(stderr, "bench asof: generating {} tickets into {} (kept for later runs)\n",
               args.tickets, dir);
  }
  TL_RETURN_IF_ERROR(
      generate::GenerateUnlessPresent(dir, args.tickets, args.seed, [](uint64_t) {}));
  auto log = OpenLogForWriting(dir);
  if (!log) return Status::Unavailable(fmt::format("cannot open {}", dir));
  const ledger::Seq head = log->Head().seq;

  // The live projections, as `serve` has them (from a checkpoint when there is one).
  projections::Options options;
  options.checkpoint_every = 0;
  auto live_start = Clock::now();
  TL_ASSIGN_OR_RETURN(auto live, projections::Projections::Open(*log, projections::StandardModels(),
                                                                options, /*attach=*/true));
  const double live_open = SecondsSince(live_start);
  server::ReportBodies bodies(live->reports());
  const server::ReportEndpoint& volume = *server::FindReportEndpoint("volume");
  const server::ReportEndpoint& dashboard = *server::FindReportEndpoint("dashboard");

  std::vector<double> live_query;
  for (int round = 0; round < args.repeat; ++round) {
    // A parameter of its own each round, so that the body cache does not answer.
    auto start = Clock::now();
    TL_RETURN_IF_ERROR(bodies.Get(dashboard, {{"days", std::to_string(30 + round)}}).status());
    TL_RETURN_IF_ERROR(bodies.Get(volume, {{"interval", round % 2 ? "week" : "day"}}).status());
    live_query.push_back(SecondsSince(start));
  }
  out["events"] = head.value();
  out["tickets"] = live->ticket_count();
  out["repetitions"] = args.repeat;
  out["live_open_seconds"] = live_open;
  out["live_volume_and_dashboard_seconds"] = Median(live_query);

  // The baseline: a raw RocksDB scan and decode of the whole log, in the same run (the machine's
  // pace drifts, docs/benchmarks.md).
  std::vector<double> raw_rate;
  for (int round = 0; round < args.repeat; ++round) {
    TL_ASSIGN_OR_RETURN(const ledger::RawScanResult raw, ledger::RunRawScanDecode(dir));
    raw_rate.push_back(raw.events / raw.seconds);
  }
  out["raw_scan_decode_events_per_s"] = Median(raw_rate);

  for (const char* kind : {"seq", "occurred_at", "recorded_at"}) {
    std::vector<double> first, again, rate;
    for (int round = 0; round < args.repeat; ++round) {
      fmt::print(stderr, "bench asof: {} round {}/{}\n", kind, round + 1, args.repeat);
      const ledger::Seq middle(head.value() / 2 + static_cast<uint64_t>(round) * 1000);
      TL_ASSIGN_OR_RETURN(const auto point, PointAt(*log, kind, middle));
      // What the fold reads: the prefix up to the point, or (occurred_at) the whole log.
      const ledger::Seq scanned = std::string_view(kind) == "occurred_at" ? head : middle;
      auto start = Clock::now();
      TL_RETURN_IF_ERROR(
          bodies.Get(volume, {{point.first, point.second}, {"interval", "week"}}).status());
      first.push_back(SecondsSince(start));
      rate.push_back(static_cast<double>(scanned.value()) / first.back());
      start = Clock::now();
      TL_RETURN_IF_ERROR(bodies.Get(dashboard, {{point.first, point.second}}).status());
      again.push_back(SecondsSince(start));
    }
    out[fmt::format("{}_first_report_seconds", kind)] = Median(first);
    out[fmt::format("{}_second_report_seconds", kind)] = Median(again);
    out[fmt::format("{}_fold_events_per_s", kind)] = Median(rate);
  }
  out["target_first_report_seconds_max"] = 2.0;
  return Status::Ok();
}

}  // namespace

void RegisterBenchAsOf(CLI::App& bench, int* exit_code) {
  auto args = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand(
      "asof", "A report at a past point: the fold up to it, then a second report reusing it");
  cmd->add_option("--dir", args->dir,
                  "Where the generated histories are kept (made on the first run; the replay "
                  "bench's)")
      ->capture_default_str();
  cmd->add_option("--tickets", args->tickets,
                  "Inquiries in the history (about 10.6 events each: 190 k gives 2 M)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the generated history")->capture_default_str();
  cmd->add_option("--repeat", args->repeat, "Rounds; figures are their medians")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print every figure as one JSON object");
  cmd->callback([args, exit_code] {
    json::object out;
    if (Status s = Run(*args, out); !s.ok()) {
      fmt::print(stderr, "error: {}\n", s.ToString());
      *exit_code = s.code() == StatusCode::kInternal ? 1 : 2;
      return;
    }
    *exit_code = 0;
    if (args->json) {
      fmt::print("{}\n", json::serialize(out));
      return;
    }
    auto num = [&](const std::string& key) { return out.at(key).to_number<double>(); };
    fmt::print("history: {:.0f} events, {:.0f} tickets (medians of {} rounds)\n", num("events"),
               num("tickets"), args->repeat);
    fmt::print("live: open {:.2f} s; volume + dashboard {:.4f} s\n", num("live_open_seconds"),
               num("live_volume_and_dashboard_seconds"));
    fmt::print("raw RocksDB scan + Cap'n Proto decode: {:.0f} events/s\n",
               num("raw_scan_decode_events_per_s"));
    for (const char* kind : {"seq", "occurred_at", "recorded_at"}) {
      fmt::print(
          "{:<12} first report {:.2f} s (target <= 2 s; fold {:.0f} events/s), second at the "
          "same point {:.4f} s\n",
          kind, num(fmt::format("{}_first_report_seconds", kind)),
          num(fmt::format("{}_fold_events_per_s", kind)),
          num(fmt::format("{}_second_report_seconds", kind)));
    }
  });
}

}  // namespace tl::bench
