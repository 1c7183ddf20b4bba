// `ticketledger-bench projections`: what the projections cost on a random history of N tickets
// (tests/support/random_history.h).
//
//   ticketledger-bench projections --dir DIR --tickets N [--days D] [--seed S] [--commits M]
//                                  [--json]
//
// In one run: builds the history into DIR (unless it already holds one; its actions spread over
// about D days, 200 by default, like a generated history), then measures
//   replay       Projections::Open from seq 1 without checkpoints (what `replay` does, minus the
//                hash check) and with the hash check (what `replay` does): events/s
//   checkpoint   Checkpoint() on the caught-up state: seconds and bytes
//   restart      Open from that checkpoint with nothing to replay: seconds
//   commits      M single-event appends (sync off, so that disk waits do not hide CPU stalls)
//                with the projections attached, without and then with background checkpoints
//                every M/4 events: p50, p99 and max append latency
// Figures go to docs/benchmarks.md ("Replay").
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "bench/bench_commands.h"
#include "ledger/store/event_log.h"
#include "projections/checkpoint_store.h"
#include "projections/projections.h"
#include "tests/support/random_history.h"
#include "tools/log_access.h"

namespace {

using namespace tl::ledger;
using tl::projections::Options;
using tl::projections::Projections;
using SteadyClock = std::chrono::steady_clock;

double Since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

[[noreturn]] void Die(const tl::Status& s) {
  fmt::print(stderr, "error: {}\n", s.ToString());
  std::exit(1);
}

std::unique_ptr<EventLog> Open(const std::string& dir, LogOptions options = {}) {
  // A generated ledger is sealed: its data keys open its personal fields (docs/privacy.md).
  if (const tl::Status keys = tl::tools::AddDataKeysIfAny(dir, "", options); !keys.ok()) Die(keys);
  auto log = EventLog::Open(dir, std::move(options));
  if (!log.ok()) Die(log.status());
  return std::move(log).value();
}

std::unique_ptr<Projections> OpenProjections(EventLog& log, Options options, bool attach) {
  auto p = Projections::Open(log, tl::projections::StandardModels(), std::move(options), attach);
  if (!p.ok()) Die(p.status());
  return std::move(p).value();
}

struct Latency {
  double p50_us = 0, p99_us = 0, max_us = 0;
  boost::json::object Json() const {
    return {{"p50_us", p50_us}, {"p99_us", p99_us}, {"max_us", max_us}};
  }
};

// M comments, one append each, on the history's first tickets.
Latency Commits(EventLog& log, uint64_t m) {
  std::vector<double> us;
  us.reserve(m);
  const Version start_version = *log.StreamVersion(StreamId::Ticket(TicketId{1}));
  for (uint64_t i = 0; i < m; ++i) {
    AppendRequest r;
    r.parts.push_back(StreamAppend{
        StreamId::Ticket(TicketId{1}),
        Version(start_version.value() + i),
        {EventDraft{EventId::Random(), tl::testing::kMonday + 400 * tl::testing::kDay, "bench",
                    "bench", Commented{"a note of about the size of a real one, for the bench"}}}});
    const auto t0 = SteadyClock::now();
    auto result = log.Append(std::move(r));
    us.push_back(Since(t0) * 1e6);
    if (!result.ok()) Die(result.status());
  }
  std::sort(us.begin(), us.end());
  auto at = [&](double p) { return us[std::max<size_t>(1, std::ceil(p / 100 * us.size())) - 1]; };
  return {at(50), at(99), us.back()};
}

struct ProjectionsBenchArgs {
  std::string dir;
  uint64_t tickets = 50000, seed = 1, commits = 20000, days = 200;
  bool json = false;
};

int RunProjectionsBench(const ProjectionsBenchArgs& args) {
  const std::string& dir = args.dir;
  const uint64_t tickets = args.tickets, seed = args.seed, commits = args.commits, days = args.days;
  const bool json = args.json;
  boost::json::object out;
  const bool fresh = !std::filesystem::exists(std::filesystem::path(dir) / "CURRENT");
  if (fresh) {
    // The builder takes about five actions per ticket.
    const TimeNs gap = std::max<TimeNs>(
        kNanosPerSecond, static_cast<TimeNs>(days) * tl::testing::kDay / (5 * tickets));
    tl::testing::RandomHistory history(
        tl::testing::RandomHistoryOptions{.seed = seed, .mean_gap = gap, .batch = 2048});
    LogOptions options;
    options.clock = history.clock();
    auto log = Open(dir, options);
    const auto t0 = SteadyClock::now();
    if (auto s = history.Extend(*log, tickets); !s.ok()) Die(s);
    out["build_seconds"] = Since(t0);
  }
  auto log = Open(dir);
  const Seq events = log->Head().seq;
  out["events"] = events.value();

  Options replay;
  replay.use_checkpoints = false;
  auto t0 = SteadyClock::now();
  auto full = OpenProjections(*log, replay, false);
  const double replay_s = Since(t0);
  out["tickets"] = full->ticket_count();
  out["replay_seconds"] = replay_s;
  out["replay_events_per_s"] = events.value() / replay_s;
  replay.verify_chain = true;
  t0 = SteadyClock::now();
  full = OpenProjections(*log, replay, false);
  const double verified_s = Since(t0);
  out["replay_verified_seconds"] = verified_s;
  out["replay_verified_events_per_s"] = events.value() / verified_s;

  t0 = SteadyClock::now();
  if (auto s = full->Checkpoint(); !s.ok()) Die(s);
  out["checkpoint_seconds"] = Since(t0);
  uint64_t bytes = 0;
  for (const auto& m : full->checkpoint_info().models) {
    auto stored = tl::projections::ReadCheckpoint(*log, m.name);
    if (stored.ok() && *stored) bytes += (*stored)->body.size();
  }
  out["checkpoint_bytes"] = bytes;
  full.reset();
  Options restart;
  restart.checkpoint_every = 0;
  t0 = SteadyClock::now();
  auto loaded = OpenProjections(*log, restart, false);
  out["restart_from_checkpoint_seconds"] = Since(t0);
  loaded.reset();
  log.reset();

  if (commits > 0) {
    LogOptions unsynced;
    unsynced.sync = false;
    for (uint64_t every : {uint64_t{0}, std::max<uint64_t>(1, commits / 4)}) {
      auto writable = Open(dir, unsynced);
      Options attached;
      attached.checkpoint_every = every;
      auto p = OpenProjections(*writable, attached, true);
      const Latency latency = Commits(*writable, commits);
      boost::json::object figures = latency.Json();
      figures["checkpoints_written"] = p->checkpoint_info().written;
      figures["last_checkpoint_seconds"] = p->checkpoint_info().last_write_seconds;
      out[every == 0 ? "commits_without_checkpoints" : "commits_with_background_checkpoints"] =
          std::move(figures);
      writable.reset();
    }
  }
  if (json) {
    fmt::print("{}\n", boost::json::serialize(out));
  } else {
    for (const auto& [k, v] : out)
      fmt::print("{:<40} {}\n", std::string_view(k), boost::json::serialize(v));
  }
  return 0;
}

}  // namespace

namespace tl::bench {

void RegisterBenchProjections(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ProjectionsBenchArgs>();
  CLI::App* cmd =
      app.add_subcommand("projections", "What the projections cost on a random history");
  cmd->add_option("--dir", args->dir, "Where the history is (built there if missing)")->required();
  cmd->add_option("--tickets", args->tickets, "Tickets in the history");
  cmd->add_option("--days", args->days, "Days the history spans (roughly)");
  cmd->add_option("--seed", args->seed, "Random history seed");
  cmd->add_option("--commits", args->commits, "Appends for the commit-latency figures");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([args, exit_code] { *exit_code = RunProjectionsBench(*args); });
}

}  // namespace tl::bench
