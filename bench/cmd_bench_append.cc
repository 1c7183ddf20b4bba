// ticketledger bench append [--seconds S] [--repeat R] [--threads N] [--dir DIR] [--json]
//
// In one run, on the same disk: raw RocksDB sync Puts of 200-byte values from 1 and from N
// threads (the baselines), and the ledger's full append path (rules, encoding, hash chain,
// indexes, group commit, state update) from 1 and from N concurrent appenders, interleaved and
// repeated. Prints the medians and the ratios the targets are stated in (docs/benchmarks.md).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>  // mkdtemp
#include <cstring>
#include <filesystem>
#include <thread>
#include <utility>

#include "app/command_handler.h"
#include "app/memory_state_source.h"
#include "bench/bench_commands.h"
#include "bench/ledger_appends.h"
#include "bench/raw_rocksdb_baseline.h"

namespace tl::bench {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

Result<AppendFigures> RawPuts(const std::string& dir, int threads, double seconds) {
  TL_ASSIGN_OR_RETURN(auto raw, ledger::RunRawSyncPuts(dir, threads, seconds, 200));
  return AppendFigures{raw.ops, raw.seconds, std::move(raw.latencies_us)};
}

}  // namespace

void RegisterBenchAppend(CLI::App& bench, int* exit_code) {
  struct Args {
    double seconds = 3;
    int repeat = 3;
    int threads = 64;
    std::string dir = "bench-data";
    bool json = false;
    bool ledger_only = false;
    ledger::LogOptions::Tuning tuning;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand(
      "append", "Ledger appends vs raw RocksDB sync Puts, from 1 and from N threads");
  cmd->add_option("--seconds", args->seconds, "Seconds per measurement")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Concurrent appenders")->capture_default_str();
  cmd->add_option("--repeat", args->repeat, "Interleaved rounds; figures are their medians")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--dir", args->dir,
                  "Folder on the disk to measure (not tmpfs); the run works in a fresh "
                  "subfolder of it and removes that")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print all figures and ratios as one JSON object");
  cmd->add_flag("!--no-pipelined-sync", args->tuning.pipelined_sync,
                "The ledger without its sync stage (LogOptions::Tuning, docs/benchmarks.md)");
  cmd->add_flag("!--no-direct-wal", args->tuning.direct_wal,
                "The ledger with RocksDB's own WAL files (LogOptions::Tuning)");
  cmd->add_flag("--ledger-only", args->ledger_only,
                "Skip the baselines and the 1-appender run (for profiling the ledger)");
  cmd->callback([args, exit_code] {
    auto fail = [&](const Status& s) {
      fmt::print(stderr, "error: {}\n", s.ToString());
      *exit_code = 2;
    };
    auto scratch = ScratchFolder::Create(args->dir);
    if (!scratch.ok()) return fail(scratch.status());
    const std::string& dir = scratch->path();
    auto note = [&](std::string_view what) {
      if (!args->json) fmt::print(stderr, "measuring {} ...\n", what);
    };
    if (args->ledger_only) {
      ledger::LogStats stats;
      auto figures =
          LedgerAppends(dir + "/ledgern", args->threads, args->seconds, args->tuning, &stats);
      if (!figures.ok()) return fail(figures.status());
      fmt::print(
          "ledger append, {} appenders: {} appends, {:.0f} ops/s, {:.1f} appends/commit, "
          "{:.1f} appends/fsync, fsync {:.0f} us (mean), p50 {:.0f} us, p99 {:.0f} us\n",
          args->threads, figures->ops, figures->Rate(), stats.AppendsPerCommit(),
          stats.AppendsPerSync(), stats.MeanSyncMicros(), figures->Percentile(50),
          figures->Percentile(99));
      return;
    }
    // The disk's fsync latency drifts by a factor of two within a minute on a shared machine, so
    // the four measurements are interleaved, repeated, and each figure and ratio is the median
    // over the repetitions (each ratio is taken within one repetition, from neighbouring runs).
    struct Round {
      AppendFigures raw1, rawn, led1, ledn;
      ledger::LogStats statsn;
    };
    std::vector<Round> rounds;
    for (int r = 0; r < args->repeat; ++r) {
      Round round;
      const std::string base = fmt::format("{}/round{}", dir, r);
      note(fmt::format("round {}/{}: raw RocksDB, 1 thread", r + 1, args->repeat));
      auto raw1 = RawPuts(base + "-raw1", 1, args->seconds);
      if (!raw1.ok()) return fail(raw1.status());
      note(fmt::format("round {}/{}: ledger, 1 appender", r + 1, args->repeat));
      ledger::LogStats stats1;
      auto led1 = LedgerAppends(base + "-ledger1", 1, args->seconds, args->tuning, &stats1);
      if (!led1.ok()) return fail(led1.status());
      note(fmt::format("round {}/{}: raw RocksDB, {} threads", r + 1, args->repeat, args->threads));
      auto rawn = RawPuts(base + "-rawn", args->threads, args->seconds);
      if (!rawn.ok()) return fail(rawn.status());
      note(fmt::format("round {}/{}: ledger, {} appenders", r + 1, args->repeat, args->threads));
      auto ledn = LedgerAppends(base + "-ledgern", args->threads, args->seconds, args->tuning,
                                &round.statsn);
      if (!ledn.ok()) return fail(ledn.status());
      round.raw1 = std::move(raw1).value();
      round.led1 = std::move(led1).value();
      round.rawn = std::move(rawn).value();
      round.ledn = std::move(ledn).value();
      rounds.push_back(std::move(round));
    }

    auto median = [&](auto&& value) {
      std::vector<double> v;
      for (Round& r : rounds) v.push_back(value(r));
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    auto figures = [&](AppendFigures Round::*which) {
      return json::object{{"ops_per_s", median([&](Round& r) { return (r.*which).Rate(); })},
                          {"p50_us", median([&](Round& r) { return (r.*which).Percentile(50); })},
                          {"p99_us", median([&](Round& r) { return (r.*which).Percentile(99); })}};
    };
    const double throughput_ratio = median([](Round& r) { return r.ledn.Rate() / r.rawn.Rate(); });
    const double latency_ratio =
        median([](Round& r) { return r.led1.Percentile(50) / r.raw1.Percentile(50); });
    const double per_commit = median([](Round& r) { return r.statsn.AppendsPerCommit(); });
    const double per_fsync = median([](Round& r) { return r.statsn.AppendsPerSync(); });
    // The mean fsync under the 64-appender load; the 1-thread raw p50 is roughly the same
    // disk's fsync without load.
    const double fsync_us = median([](Round& r) { return r.statsn.MeanSyncMicros(); });
    json::object out;
    out["threads"] = args->threads;
    out["seconds_per_run"] = args->seconds;
    out["repetitions"] = args->repeat;
    out["raw_1"] = figures(&Round::raw1);
    out["raw_n"] = figures(&Round::rawn);
    out["ledger_1"] = figures(&Round::led1);
    out["ledger_n"] = figures(&Round::ledn);
    out["ledger_n_appends_per_commit"] = per_commit;
    out["ledger_n_appends_per_fsync"] = per_fsync;
    out["ledger_n_fsync_mean_us"] = fsync_us;
    out["ratio_ledger_n_vs_raw_n_throughput"] = throughput_ratio;
    out["ratio_ledger_1_vs_raw_1_p50_latency"] = latency_ratio;
    out["target_throughput_ratio_min"] = 3.0;
    out["target_latency_ratio_max"] = 1.5;
    if (args->json) {
      fmt::print("{}\n", json::serialize(out));
      return;
    }
    auto line = [&](std::string_view label, const json::object& f) {
      fmt::print("{:<36} {:>9.0f} ops/s  p50 {:>7.0f} us  p99 {:>7.0f} us\n", label,
                 f.at("ops_per_s").as_double(), f.at("p50_us").as_double(),
                 f.at("p99_us").as_double());
    };
    fmt::print("medians of {} interleaved rounds of {} s each:\n", args->repeat, args->seconds);
    line("raw RocksDB sync Put, 1 thread:", out["raw_1"].as_object());
    line(fmt::format("raw RocksDB sync Put, {} threads:", args->threads), out["raw_n"].as_object());
    line("ledger append, 1 appender:", out["ledger_1"].as_object());
    line(fmt::format("ledger append, {} appenders:", args->threads), out["ledger_n"].as_object());
    fmt::print(
        "ledger, {} appenders: {:.1f} appends per commit, {:.1f} per fsync, "
        "fsync {:.0f} us (mean)\n",
        args->threads, per_commit, per_fsync, fsync_us);
    fmt::print("ratio ledger/raw throughput at {} threads: {:.2f} (target >= 3)\n", args->threads,
               throughput_ratio);
    fmt::print("ratio ledger/raw p50 latency at 1 thread:  {:.2f} (target <= 1.5)\n",
               latency_ratio);
  });
}

}  // namespace tl::bench
