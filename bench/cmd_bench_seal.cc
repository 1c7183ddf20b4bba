// ticketledger-bench seal [--dir DIR] [--tickets N] [--seconds S] [--threads T] [--repeat R]
//                         [--json]
//
// What sealing the personal fields costs (docs/privacy.md, "Figures"; the target: at
// most 15 % of append throughput and of replay speed), as an A/B in one run: the same work
// with the data keys (fields sealed on append, opened on replay) and without (a log opened with
// no key store stores the fields as they are, LogOptions::keys), interleaved in R rounds, each
// figure the median and each cost taken within a round:
//   - append, 1 appender without fsync: the CPU's share of the path alone, where sealing weighs
//     most;
//   - append, T appenders with fsync: the path as served;
//   - replay through every projection from seq 1, of one generated history (`generate`, N
//     inquiries, kept under DIR for later runs) written twice: sealed and not; and the sealed
//     one again without the key cache (projections::Options::cache_data_keys), a key store
//     read per event.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <filesystem>

#include "app/data_keys.h"
#include "bench/bench_commands.h"
#include "bench/ledger_appends.h"
#include "projections/projections.h"
#include "tools/generate/generator.h"
#include "tools/log_access.h"

namespace tl::bench {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string dir = "bench-data/seal";
  uint64_t tickets = 20'000;
  uint64_t seed = 1;
  double seconds = 3;
  int threads = 64;
  int repeat = 3;
  bool json = false;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Events per second of a full replay through every projection (no checkpoint, no chain check:
// the fold and the opening of the fields alone).
Result<double> ReplayRate(ledger::EventLog& log, bool cache_data_keys) {
  projections::Options options;
  options.use_checkpoints = false;
  options.verify_chain = false;
  options.cache_data_keys = cache_data_keys;
  const auto start = Clock::now();
  auto p =
      projections::Projections::Open(log, projections::StandardModels(), options, /*attach=*/false);
  if (!p.ok()) return p.status();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(log.Head().seq.value()) / seconds;
}

// One A/B pair of measurements: with keys (sealed) and without (plain).
struct Pair {
  std::vector<double> sealed, plain, cost;  // rates; cost = 1 - sealed / plain, per round
  void Add(double s, double p) {
    sealed.push_back(s);
    plain.push_back(p);
    cost.push_back(p > 0 ? 1.0 - s / p : 0.0);
  }
  json::object ToJson() const {
    return json::object{
        {"sealed_per_s", Median(sealed)}, {"plain_per_s", Median(plain)}, {"cost", Median(cost)}};
  }
};

Status Run(const Args& args, json::object& out) {
  const std::string sealed_dir =
      fmt::format("{}/sealed-tickets-{}-seed-{}", args.dir, args.tickets, args.seed);
  const std::string plain_dir =
      fmt::format("{}/plain-tickets-{}-seed-{}", args.dir, args.tickets, args.seed);
  for (const auto& [dir, seal] : {std::pair{sealed_dir, true}, std::pair{plain_dir, false}}) {
    if (!tools::MayHoldLedger(dir) && !args.json) {
      fmt::print(stderr, "bench seal: generating {} tickets into {} (kept for later runs)\n",
                 args.tickets, dir);
    }
    TL_RETURN_IF_ERROR(tools::generate::GenerateUnlessPresent(
        dir, args.tickets, args.seed, [](uint64_t) {}, seal));
  }
  auto sealed_log = tools::OpenLogForWriting(sealed_dir);
  if (!sealed_log) return Status::Unavailable(fmt::format("cannot open {}", sealed_dir));
  ledger::LogOptions plain_options;
  plain_options.create_if_missing = false;
  TL_ASSIGN_OR_RETURN(std::unique_ptr<ledger::EventLog> plain_log,
                      ledger::EventLog::Open(plain_dir, plain_options));
  if (sealed_log->Head().seq != plain_log->Head().seq) {
    return Status::Internal(fmt::format("the sealed history has {} events, the plain one {}",
                                        sealed_log->Head().seq, plain_log->Head().seq));
  }

  TL_ASSIGN_OR_RETURN(ScratchFolder scratch, ScratchFolder::Create(args.dir));
  const ledger::LogOptions::Tuning tuning;
  Pair append1, appendn, replay, replay_uncached;
  for (int r = 0; r < args.repeat; ++r) {
    if (!args.json) fmt::print(stderr, "bench seal: round {}/{}\n", r + 1, args.repeat);
    const std::string base = fmt::format("{}/round{}", scratch.path(), r);
    // Sealed and plain alternate, and swap order every round, so that a drift of the machine's
    // pace between them cancels out over the rounds.
    const bool sealed_first = r % 2 == 0;
    double rates[2][4] = {};  // [sealed?][measurement]
    for (int k = 0; k < 2; ++k) {
      const bool sealed = (k == 0) == sealed_first;
      const std::string dir = fmt::format("{}-{}", base, sealed ? "sealed" : "plain");
      std::error_code ignored;
      std::filesystem::create_directories(dir + "-1", ignored);
      std::filesystem::create_directories(dir + "-n", ignored);
      std::shared_ptr<privacy::KeyStore> keys;
      if (sealed) {
        TL_ASSIGN_OR_RETURN(keys, app::OpenDataKeys(dir + "-1", "", /*create=*/true));
      }
      ledger::LogStats stats;
      TL_ASSIGN_OR_RETURN(AppendFigures one, LedgerAppends(dir + "-1", 1, args.seconds, tuning,
                                                           &stats, keys, /*sync=*/false));
      keys.reset();
      if (sealed) {
        TL_ASSIGN_OR_RETURN(keys, app::OpenDataKeys(dir + "-n", "", /*create=*/true));
      }
      TL_ASSIGN_OR_RETURN(AppendFigures many, LedgerAppends(dir + "-n", args.threads, args.seconds,
                                                            tuning, &stats, keys, /*sync=*/true));
      TL_ASSIGN_OR_RETURN(double replayed,
                          ReplayRate(sealed ? *sealed_log : *plain_log, /*cache_data_keys=*/true));
      rates[sealed][0] = one.Rate();
      rates[sealed][1] = many.Rate();
      rates[sealed][2] = replayed;
      // The key cache's share: the sealed replay with a key store read per event.
      if (sealed) {
        TL_ASSIGN_OR_RETURN(rates[1][3], ReplayRate(*sealed_log, /*cache_data_keys=*/false));
      }
    }
    append1.Add(rates[1][0], rates[0][0]);
    appendn.Add(rates[1][1], rates[0][1]);
    replay.Add(rates[1][2], rates[0][2]);
    replay_uncached.Add(rates[1][3], rates[0][2]);
  }
  out["events"] = sealed_log->Head().seq.value();
  out["tickets"] = sealed_log->Head().last_ticket.value();
  out["repetitions"] = args.repeat;
  out["seconds_per_append_run"] = args.seconds;
  out["threads"] = args.threads;
  out["append_1_nosync"] = append1.ToJson();
  out["append_n_sync"] = appendn.ToJson();
  out["replay"] = replay.ToJson();
  out["replay_without_key_cache"] = replay_uncached.ToJson();
  out["target_cost_max"] = 0.15;
  return Status::Ok();
}

}  // namespace

void RegisterBenchSeal(CLI::App& bench, int* exit_code) {
  auto args = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand(
      "seal", "Sealing's cost: append and replay with the data keys vs without, in one run");
  cmd->add_option("--dir", args->dir,
                  "Where the two generated histories are kept (made on the first run) and the "
                  "append runs work (in a fresh subfolder, removed after)")
      ->capture_default_str();
  cmd->add_option("--tickets", args->tickets, "Inquiries in the replayed history")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "The history's seed")->capture_default_str();
  cmd->add_option("--seconds", args->seconds, "Seconds per append run")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Concurrent appenders of the synced run")
      ->capture_default_str();
  cmd->add_option("--repeat", args->repeat, "Interleaved rounds; figures are their medians")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print all figures as one JSON object");
  cmd->callback([args, exit_code] {
    json::object out;
    if (Status s = Run(*args, out); !s.ok()) {
      fmt::print(stderr, "error: {}\n", s.ToString());
      *exit_code = 2;
      return;
    }
    if (args->json) {
      fmt::print("{}\n", json::serialize(out));
      return;
    }
    fmt::print("history: {} events, {} tickets; medians of {} interleaved rounds\n",
               out["events"].as_uint64(), out["tickets"].as_uint64(), args->repeat);
    auto line = [&](std::string_view label, std::string_view unit, const char* key) {
      const json::object& f = out[key].as_object();
      fmt::print("{:<34} sealed {:>10.0f} {}  plain {:>10.0f} {}  cost {:>5.1f} %\n", label,
                 f.at("sealed_per_s").as_double(), unit, f.at("plain_per_s").as_double(), unit,
                 100 * f.at("cost").as_double());
    };
    line("append, 1 appender, no fsync:", "ops/s", "append_1_nosync");
    line(fmt::format("append, {} appenders, fsync:", args->threads), "ops/s", "append_n_sync");
    line("replay through the projections:", "ev/s ", "replay");
    line("the same without the key cache:", "ev/s ", "replay_without_key_cache");
    fmt::print("target: cost <= 15 %\n");
  });
}

}  // namespace tl::bench
