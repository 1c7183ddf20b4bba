// ticketledger bench replay [--dir DIR] [--tickets N] [--compare-tickets M] [--repeat R] [--json]
//
// In one run, on a generated history (`generate`, kept under DIR for later runs): a plain
// RocksDB scan of the events column family with a Cap'n Proto decode of each event (the
// baseline), then a full replay through every projection, without and with the hash-chain
// check; the projections' memory per ticket; and a restart from a checkpoint on the large
// history and on a small one, to show that it does not grow with the log. Each timed figure is
// the median of R interleaved rounds. Figures and targets: docs/benchmarks.md ("Replay").
#include <fmt/format.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "bench/bench_commands.h"
#include "bench/raw_rocksdb_baseline.h"
#include "projections/projections.h"
#include "tools/generate/generator.h"
#include "tools/log_access.h"

namespace tl::bench {
namespace {

using namespace tl::tools;

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// The resident set now, in bytes (after returning freed heap to the system, so that what was
// freed by an earlier measurement does not count).
uint64_t ResidentBytes() {
  malloc_trim(0);
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

Status EnsureHistory(const std::string& dir, uint64_t tickets, uint64_t seed) {
  if (!MayHoldLedger(dir)) {
    fmt::print(stderr, "bench replay: generating {} tickets into {} (kept for later runs)\n",
               tickets, dir);
  }
  return generate::GenerateUnlessPresent(dir, tickets, seed, [](uint64_t) {});
}

struct Replayed {
  double seconds = 0;
  uint64_t tickets = 0;
};

Result<Replayed> Replay(ledger::EventLog& log, bool verify_chain) {
  projections::Options options;
  options.use_checkpoints = false;
  options.verify_chain = verify_chain;
  const auto start = Clock::now();
  auto p =
      projections::Projections::Open(log, projections::StandardModels(), options, /*attach=*/false);
  if (!p.ok()) return p.status();
  return Replayed{SecondsSince(start), (*p)->ticket_count()};
}

// Opens with the checkpoints a previous Checkpoint() wrote: the time until reports can answer.
Result<double> Restart(ledger::EventLog& log) {
  projections::Options options;
  options.checkpoint_every = 0;  // measure the load alone, not a checkpoint written after it
  const auto start = Clock::now();
  auto p =
      projections::Projections::Open(log, projections::StandardModels(), options, /*attach=*/false);
  if (!p.ok()) return p.status();
  const double seconds = SecondsSince(start);
  for (const auto& m : (*p)->checkpoint_info().models) {
    if (m.loaded_seq.is_zero()) {
      return Status::Internal(fmt::format("model {} was rebuilt, not loaded", m.name));
    }
  }
  return seconds;
}

Status WriteCheckpoint(ledger::EventLog& log) {
  projections::Options options;
  options.use_checkpoints = false;
  auto p =
      projections::Projections::Open(log, projections::StandardModels(), options, /*attach=*/false);
  if (!p.ok()) return p.status();
  return (*p)->Checkpoint();
}

struct Args {
  std::string dir = "bench-data/replay";
  uint64_t tickets = 190'000;
  uint64_t compare_tickets = 9'500;
  uint64_t seed = 1;
  int repeat = 3;
  bool json = false;
};

Status Run(const Args& args, json::object& out) {
  const std::string large_dir =
      fmt::format("{}/tickets-{}-seed-{}", args.dir, args.tickets, args.seed);
  const std::string small_dir =
      fmt::format("{}/tickets-{}-seed-{}", args.dir, args.compare_tickets, args.seed);
  TL_RETURN_IF_ERROR(EnsureHistory(large_dir, args.tickets, args.seed));
  TL_RETURN_IF_ERROR(EnsureHistory(small_dir, args.compare_tickets, args.seed));

  auto log = OpenLogForWriting(large_dir);
  if (!log) return Status::Unavailable(fmt::format("cannot open {}", large_dir));
  const uint64_t events = log->Head().seq.value();

  // Memory first, before any other measurement has grown the heap.
  const uint64_t resident_before = ResidentBytes();
  uint64_t tickets = 0, projection_bytes = 0;
  {
    projections::Options options;
    options.use_checkpoints = false;
    auto p = projections::Projections::Open(*log, projections::StandardModels(), options,
                                            /*attach=*/false);
    if (!p.ok()) return p.status();
    tickets = (*p)->ticket_count();
    projection_bytes = ResidentBytes() - resident_before;
  }

  std::vector<double> raw_rate, replay_rate, verified_rate, ratio, verified_ratio;
  for (int round = 0; round < args.repeat; ++round) {
    fmt::print(stderr, "bench replay: round {}/{}\n", round + 1, args.repeat);
    auto raw = ledger::RunRawScanDecode(large_dir);
    if (!raw.ok()) return raw.status();
    if (raw->events != events) {
      return Status::Internal(
          fmt::format("the raw scan saw {} events, the log has {}", raw->events, events));
    }
    auto replay = Replay(*log, /*verify_chain=*/false);
    if (!replay.ok()) return replay.status();
    auto verified = Replay(*log, /*verify_chain=*/true);
    if (!verified.ok()) return verified.status();
    raw_rate.push_back(events / raw->seconds);
    replay_rate.push_back(events / replay->seconds);
    verified_rate.push_back(events / verified->seconds);
    ratio.push_back(raw->seconds / replay->seconds);
    verified_ratio.push_back(raw->seconds / verified->seconds);
  }

  TL_RETURN_IF_ERROR(WriteCheckpoint(*log));
  auto small_log = OpenLogForWriting(small_dir);
  if (!small_log) return Status::Unavailable(fmt::format("cannot open {}", small_dir));
  TL_RETURN_IF_ERROR(WriteCheckpoint(*small_log));
  std::vector<double> restart_large, restart_small;
  for (int round = 0; round < args.repeat; ++round) {
    TL_ASSIGN_OR_RETURN(double small, Restart(*small_log));
    TL_ASSIGN_OR_RETURN(double large, Restart(*log));
    restart_small.push_back(small);
    restart_large.push_back(large);
  }

  out["events"] = events;
  out["tickets"] = tickets;
  out["repetitions"] = args.repeat;
  out["raw_scan_decode_events_per_s"] = Median(raw_rate);
  out["replay_events_per_s"] = Median(replay_rate);
  out["replay_verified_events_per_s"] = Median(verified_rate);
  out["ratio_replay_vs_raw"] = Median(ratio);
  out["ratio_replay_verified_vs_raw"] = Median(verified_ratio);
  out["projection_bytes"] = projection_bytes;
  out["projection_bytes_per_ticket"] =
      tickets ? static_cast<double>(projection_bytes) / tickets : 0.0;
  out["compare_events"] = small_log->Head().seq.value();
  out["restart_seconds_small"] = Median(restart_small);
  out["restart_seconds_large"] = Median(restart_large);
  out["target_ratio_min"] = 0.6;
  out["target_events_per_s_min"] = 1'000'000;
  out["target_restart_seconds_max"] = 1.0;
  out["target_bytes_per_ticket_max"] = 1024;
  return Status::Ok();
}

}  // namespace

void RegisterBenchReplay(CLI::App& bench, int* exit_code) {
  auto args = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand(
      "replay", "A full replay through every projection vs a raw RocksDB scan and decode");
  cmd->add_option("--dir", args->dir,
                  "Where the generated histories are kept (made on the first run)")
      ->capture_default_str();
  cmd->add_option("--tickets", args->tickets,
                  "Inquiries in the large history (about 10.6 events each: 190 k gives 2 M)")
      ->capture_default_str();
  cmd->add_option("--compare-tickets", args->compare_tickets,
                  "Inquiries in the small history, for the restart comparison")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the generated histories")->capture_default_str();
  cmd->add_option("--repeat", args->repeat, "Interleaved rounds; figures are their medians")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print every figure and ratio as one JSON object");
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
    auto num = [&](const char* key) { return out.at(key).to_number<double>(); };
    fmt::print("history: {:.0f} events, {:.0f} tickets (medians of {} rounds)\n", num("events"),
               num("tickets"), args->repeat);
    fmt::print("raw RocksDB scan + Cap'n Proto decode: {:>10.0f} events/s\n",
               num("raw_scan_decode_events_per_s"));
    fmt::print(
        "replay through every projection:       {:>10.0f} events/s  ratio {:.2f} "
        "(target >= 0.6 and >= 1 M events/s)\n",
        num("replay_events_per_s"), num("ratio_replay_vs_raw"));
    fmt::print("replay with the hash-chain check:      {:>10.0f} events/s  ratio {:.2f}\n",
               num("replay_verified_events_per_s"), num("ratio_replay_verified_vs_raw"));
    fmt::print("projection memory: {:.0f} bytes per ticket (target <= 1024)\n",
               num("projection_bytes_per_ticket"));
    fmt::print(
        "restart from a checkpoint: {:.3f} s at {:.0f} events, {:.3f} s at {:.0f} events "
        "(target <= 1 s)\n",
        num("restart_seconds_small"), num("compare_events"), num("restart_seconds_large"),
        num("events"));
  });
}

}  // namespace tl::bench
