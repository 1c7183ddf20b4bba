// ticketledger-bench proofs [--events N] [--single-commit-events M] [--threads T]
//                           [--connections C] [--seconds S] [--warmup W] [--repeat R]
//                           [--dir DIR] [--json]
//
// The transparency log's costs (docs/api.md "Transparency log", docs/log-format.md "Merkle
// tree"), on a bulk history of about N events (bench http's `--history bulk`, kept under DIR):
// - over HTTP, against the real server (server::Stack, as `serve` wires it) on loopback:
//   inclusion proofs of random seqs in the tree of the latest size, and consistency proofs
//   between random sizes, each round-robin with the bare handler GET /bench/bare through the
//   same sessions and route table (the baseline), as auditors ask for them;
// - on disk: the bytes of the `tree` column family's table files per event, after a flush
//   and a full compaction, beside the `events` family's; on the bulk history (thousands of
//   events per commit) and on a ledger of M appends of one event each (a piece of a tile per
//   commit: the most the tree can cost per event).
// Targets: docs/benchmarks.md ("Transparency log"); --json prints every figure as one object.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "app/ledger_integrity.h"
#include "bench/bench_commands.h"
#include "bench/http_load.h"
#include "ledger/store/event_log.h"
#include "server/auth.h"
#include "server/route_table.h"
#include "server/stack.h"
#include "tools/log_access.h"
#include "tools/progress.h"

namespace tl::bench {
namespace {

namespace json = boost::json;
using namespace tl::ledger;

struct Args {
  uint64_t events = 2'000'000;
  uint64_t single_commit_events = 100'000;
  int threads = 2;
  int connections = 16;
  double seconds = 5;
  double warmup = 1;
  int repeat = 3;
  std::string dir = "bench-data";
  bool json = false;
};

// A well-mixed 64-bit number from (connection, request): each connection asks for its own
// spread of seqs and sizes, the same in every run.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;  // splitmix64
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct TableBytes {
  uint64_t events = 0;       // in the log
  uint64_t tree = 0;         // the `tree` family's table files
  uint64_t event_bytes = 0;  // the `events` family's
  json::object families;

  double TreePerEvent() const { return events ? static_cast<double>(tree) / events : 0; }
  double EventsPerEvent() const { return events ? static_cast<double>(event_bytes) / events : 0; }
  json::object ToJson() const {
    return json::object{{"events", events},
                        {"tree_bytes_per_event", TreePerEvent()},
                        {"events_bytes_per_event", EventsPerEvent()},
                        {"family_bytes", families}};
  }
};

// Flushes and compacts the log, then reads its families' table-file sizes.
Result<TableBytes> MeasureBytes(EventLog& log) {
  TL_RETURN_IF_ERROR(log.FlushAndCompact());
  TL_ASSIGN_OR_RETURN(auto sizes, log.TableFileBytes());
  TableBytes out;
  out.events = log.Head().seq.value();
  for (const auto& f : sizes) {
    out.families[f.family] = f.bytes;
    if (f.family == "tree") out.tree = f.bytes;
    if (f.family == "events") out.event_bytes = f.bytes;
  }
  return out;
}

// A ledger of `events` appends of one new ticket each, each its own commit (Append waits for
// its commit before the next is queued), unsynced: only its bytes are measured. Kept in `dir`.
Result<TableBytes> SingleCommitBytes(const std::string& dir, uint64_t events, bool quiet) {
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  LogOptions options;
  options.sync = false;  // the bytes do not depend on fsync, and M fsyncs would take minutes
  TL_ASSIGN_OR_RETURN(auto log, EventLog::Open(dir, options));
  const uint64_t have = log->Head().seq.value();  // a count of events
  if (have != events && have != 0) {
    return Status::BadField(fmt::format("{} holds another ledger; remove it", dir));
  }
  if (have == 0) {
    if (!quiet) fmt::print(stderr, "appending {} events one per commit in {}\n", events, dir);
    tools::Progress progress("single", "events", events);
    for (uint64_t i = 0; i < events; ++i) {
      TicketOpened opened;
      opened.service = "Eduroam";
      opened.description = "login, Eduroam";
      opened.queue = "campus";
      opened.requester = fmt::format("user{}@uni.no", i % 5000);
      opened.subject = "help";
      AppendRequest request;
      request.ids_are_fresh = true;  // minted from a counter into an empty log
      request.parts.push_back(StreamAppend{
          StreamId::NewTicket(),
          Version{0},
          {EventDraft{EventId::FromName("bench-proofs-single", std::to_string(i)),
                      1'798'761'600 * kNanosPerSecond, "olga", "bench", std::move(opened)}}});
      TL_RETURN_IF_ERROR(log->Append(std::move(request)).status());
      if (!quiet && i % 4096 == 0) progress.Update(i);
    }
    if (!quiet) progress.Finish(events);
  }
  return MeasureBytes(*log);
}

struct Proofs {
  Figures bare, inclusion, consistency;
};

Status Run(const Args& args, json::object& out) {
  auto note = [&](std::string_view what) {
    if (!args.json) fmt::print(stderr, "measuring {} ...\n", what);
  };
  // Ticket counts name the bulk histories (bench http's `h<tickets>` folders, shared with it).
  const uint64_t tickets = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(
             static_cast<double>(
                 args.events > kBulkReferenceEvents ? args.events - kBulkReferenceEvents : 0) /
             kBulkEventsPerTicket)));
  const std::string dir = fmt::format("{}/h{}", args.dir, tickets);
  TL_RETURN_IF_ERROR(EnsureBulkHistory(dir, tickets, args.json));

  // Bytes first, on the log at rest (the server is not running yet).
  note("the tree's bytes on disk (flush and full compaction)");
  TableBytes bulk;
  {
    LogOptions options;
    TL_RETURN_IF_ERROR(tools::AddDataKeysIfAny(dir, "", options));
    TL_ASSIGN_OR_RETURN(auto log, EventLog::Open(dir, options));
    TL_ASSIGN_OR_RETURN(bulk, MeasureBytes(*log));
  }
  std::optional<TableBytes> single;
  if (args.single_commit_events > 0) {
    note(fmt::format("the tree's bytes with one event per commit"));
    TL_ASSIGN_OR_RETURN(single, SingleCommitBytes(fmt::format("{}/single-commit-{}", args.dir,
                                                              args.single_commit_events),
                                                  args.single_commit_events, args.json));
  }

  TL_ASSIGN_OR_RETURN(auto auditor, server::GenerateToken());
  TL_ASSIGN_OR_RETURN(auto auth, server::Authenticator::Parse(fmt::format(
                                     "{} auditor bench-auditor\n", auditor.sha256_hex)));
  server::StackOptions options;
  options.data_dir = dir;
  options.server.port = 0;
  options.server.threads = args.threads;
  options.server.access_log = false;
  options.extra_routes.push_back(
      {server::Method::kGet, "/bench/bare", server::kAnyone, server::Read(BenchBare)});
  options.projections.use_checkpoints = false;
  TL_ASSIGN_OR_RETURN(auto stack, server::Stack::Start(std::move(options), std::move(auth)));
  // The stack walks the whole log in the background after it starts (app/ledger_integrity.h,
  // docs/operations.md "Integrity at start"): on 2 M events that walk takes a core for tens of
  // seconds, so the proofs are measured once it is done, as a server in its steady state.
  note("after the integrity walk over the log");
  TL_ASSIGN_OR_RETURN(const double walk_seconds, WaitForIntegrityWalk(*stack));
  const uint16_t port = stack->port();
  // Nothing is appended while the proofs are measured: the latest size is the head.
  const uint64_t size = stack->log().Head().seq.value();  // numbers for the URLs
  if (size == 0) return Status::Internal("the history is empty");

  const std::string bare = "GET /bench/bare HTTP/1.1\r\nHost: bench\r\n\r\n";
  const std::vector<std::pair<std::string, RequestMaker>> scenarios = {
      {"baseline (bare handler)", [&](int, uint64_t) { return bare; }},
      {"inclusion proofs",
       [&](int conn, uint64_t i) {
         const uint64_t seq = 1 + Mix((static_cast<uint64_t>(conn) << 40) ^ i) % size;
         return Get(fmt::format("/api/v1/audit/proof/inclusion?seq={}&size={}", seq, size),
                    auditor.token);
       }},
      {"consistency proofs",
       [&](int conn, uint64_t i) {
         const uint64_t key = (static_cast<uint64_t>(conn) << 40) ^ i;
         const uint64_t a = 1 + Mix(key) % size, b = 1 + Mix(~key) % size;
         return Get(fmt::format("/api/v1/audit/proof/consistency?from={}&to={}", std::min(a, b),
                                std::max(a, b)),
                    auditor.token);
       }},
  };
  // Round-robin, so that a burst of load from elsewhere hits every scenario alike; each
  // scenario's median-rate run is reported.
  std::vector<std::vector<Figures>> runs(scenarios.size());
  for (int round = 0; round < std::max(1, args.repeat); ++round) {
    for (size_t k = 0; k < scenarios.size(); ++k) {
      note(fmt::format("{} (round {})", scenarios[k].first, round + 1));
      runs[k].push_back(
          RunLoad(port, args.connections, args.seconds, args.warmup, scenarios[k].second));
    }
  }
  TL_RETURN_IF_ERROR(stack->Close());
  Proofs proofs{Median(std::move(runs[0])), Median(std::move(runs[1])), Median(std::move(runs[2]))};

  auto ratio = [&](const Figures& f) {
    return proofs.bare.Rate() > 0 ? f.Rate() / proofs.bare.Rate() : 0.0;
  };
  out["events"] = size;
  out["tickets"] = tickets;
  out["threads"] = args.threads;
  out["connections"] = args.connections;
  out["seconds_per_run"] = args.seconds;
  out["repetitions"] = args.repeat;
  out["integrity_walk_wait_seconds"] = walk_seconds;
  out["bare"] = proofs.bare.ToJson();
  out["inclusion"] = proofs.inclusion.ToJson();
  out["consistency"] = proofs.consistency.ToJson();
  out["ratio_inclusion_vs_bare"] = ratio(proofs.inclusion);
  out["ratio_consistency_vs_bare"] = ratio(proofs.consistency);
  out["target_p99_ms_max"] = 5.0;
  out["bytes_bulk"] = bulk.ToJson();
  if (single) out["bytes_single_commit"] = single->ToJson();
  out["target_tree_bytes_per_event_max"] = 64.0;
  return Status::Ok();
}

}  // namespace

void RegisterBenchProofs(CLI::App& bench, int* exit_code) {
  auto args = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand(
      "proofs", "Inclusion and consistency proofs over HTTP vs a bare handler; the tree's bytes");
  cmd->add_option("--events", args->events,
                  "Events in the bulk history (about: it holds whole tickets)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--single-commit-events", args->single_commit_events,
                  "Events of the one-event-per-commit ledger whose bytes are measured (0: skip)")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Server I/O threads")->capture_default_str();
  cmd->add_option("--connections", args->connections, "Client connections")->capture_default_str();
  cmd->add_option("--seconds", args->seconds, "Seconds per measurement")->capture_default_str();
  cmd->add_option("--warmup", args->warmup, "Seconds of warm-up before each measurement")
      ->capture_default_str();
  cmd->add_option("--repeat", args->repeat,
                  "Runs of each scenario (round-robin); the median-rate run is reported")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--dir", args->dir,
                  "Directory for the histories (kept between runs: remove it to rebuild)")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print all figures and ratios as one JSON object");
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
    auto line = [&](std::string_view name, const char* key, const char* ratio_key) {
      const json::object& f = out.at(key).as_object();
      fmt::print("{:<26} {:>9.0f} req/s  p50 {:>6.2f} ms  p99 {:>6.2f} ms  ratio {:.2f}{}\n", name,
                 f.at("req_per_s").to_number<double>(), f.at("p50_ms").to_number<double>(),
                 f.at("p99_ms").to_number<double>(),
                 ratio_key ? out.at(ratio_key).to_number<double>() : 1.0,
                 f.at("errors").to_number<uint64_t>()
                     ? fmt::format("  ({} non-2xx/failed)", f.at("errors").to_number<uint64_t>())
                     : "");
    };
    fmt::print("{} events, {} server threads, {} connections (median of {} runs of {} s):\n",
               out.at("events").to_number<uint64_t>(), args->threads, args->connections,
               args->repeat, args->seconds);
    line("bare handler (baseline)", "bare", nullptr);
    line("inclusion proof", "inclusion", "ratio_inclusion_vs_bare");
    line("consistency proof", "consistency", "ratio_consistency_vs_bare");
    fmt::print("target: p99 <= 5 ms\n");
    auto bytes = [&](std::string_view name, const char* key) {
      if (!out.contains(key)) return;
      const json::object& b = out.at(key).as_object();
      fmt::print("{}: tree {:.1f} B/event, events {:.1f} B/event ({} events; target tree <= 64)\n",
                 name, b.at("tree_bytes_per_event").to_number<double>(),
                 b.at("events_bytes_per_event").to_number<double>(),
                 b.at("events").to_number<uint64_t>());
    };
    bytes("bulk history", "bytes_bulk");
    bytes("one event per commit", "bytes_single_commit");
  });
}

}  // namespace tl::bench
