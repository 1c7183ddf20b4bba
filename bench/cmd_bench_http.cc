// ticketledger bench http [--tickets N] [--compare-tickets M] [--threads T] [--seconds S]
//                         [--connections C] [--post-connections P] [--dir DIR]
//                         [--history generated|bulk] [--json]
//
// In one run, against the real server (server::Stack, as `serve` wires it) on loopback, with an
// in-tree keep-alive load client: a bare handler that returns a fixed 200-byte body through the
// same sessions, route table and thread count (the baseline; the benchmark adds its route,
// GET /bench/bare, to the table: the product does not serve it), GET dashboard, GET response-times
// report, GET ticket, and durable POST actions from P connections, on a history of N inquiries
// (`generate`'s simulation, kept under DIR for later runs);
// then the same GETs on a history of M tickets, to show that read latency does not grow with
// the history. Prints every figure and the ratios the targets are stated in
// (docs/benchmarks.md, "HTTP"); --json prints them as one JSON object.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <functional>
#include <optional>

#include "bench/bench_commands.h"
#include "bench/http_load.h"
#include "ledger/store/event_log.h"
#include "server/auth.h"
#include "server/route_table.h"
#include "server/stack.h"
#include "tools/generate/generator.h"
#include "tools/log_access.h"
#include "tools/progress.h"

namespace tl::bench {
namespace {

namespace json = boost::json;
using namespace tl::ledger;
using namespace tl::tools;

struct Args {
  uint64_t tickets = 50'000;
  uint64_t compare_tickets = 500'000;
  int threads = 2;
  int connections = 16;
  int post_connections = 64;
  double seconds = 5;
  double warmup = 1;
  int repeat = 3;
  std::string dir = "bench-data";
  std::string history = "generated";
  bool json = false;
};

struct Reads {
  Figures bare, dashboard, response_times, ticket;
};

struct Tokens {
  std::string reader, agent;
  server::Authenticator auth;
};

Result<Tokens> MakeTokens() {
  TL_ASSIGN_OR_RETURN(auto reader, server::GenerateToken());
  TL_ASSIGN_OR_RETURN(auto agent, server::GenerateToken());
  TL_ASSIGN_OR_RETURN(
      auto auth, server::Authenticator::Parse(fmt::format("{} reader bench-reader\n{} agent olga\n",
                                                          reader.sha256_hex, agent.sha256_hex)));
  return Tokens{reader.token, agent.token, std::move(auth)};
}

// Builds (or reuses) a history of `tickets` tickets in `dir` and starts the server on it:
// `generate`'s simulation (docs/domain.md's process through the real rules) or the quicker bulk
// one.
Result<std::unique_ptr<server::Stack>> StartOn(const std::string& dir, uint64_t tickets,
                                               const Args& args, const Tokens& tokens) {
  if (args.history == "generated") {
    const bool quiet = args.json || MayHoldLedger(dir);
    if (!quiet) fmt::print(stderr, "generating {} inquiries in {}\n", tickets, dir);
    Progress progress("generate", "inquiries", tickets);
    TL_RETURN_IF_ERROR(generate::GenerateUnlessPresent(dir, tickets, /*seed=*/1, [&](uint64_t n) {
      if (!quiet) progress.Update(n);
    }));
    if (!quiet) progress.Finish(tickets);
  } else {
    TL_RETURN_IF_ERROR(EnsureBulkHistory(dir, tickets, args.json));
  }
  server::StackOptions options;
  options.data_dir = dir;
  options.server.port = 0;
  options.server.threads = args.threads;
  options.server.access_log = false;
  options.extra_routes.push_back(
      {server::Method::kGet, "/bench/bare", server::kAnyone, server::Read(BenchBare)});
  options.projections.use_checkpoints = false;
  TL_ASSIGN_OR_RETURN(auto stack, server::Stack::Start(std::move(options), tokens.auth));
  // Measured in its steady state, after the integrity walk over the whole log.
  TL_RETURN_IF_ERROR(WaitForIntegrityWalk(*stack).status());
  return stack;
}

// Each GET scenario `args.repeat` times, round-robin (so that a burst of load from elsewhere
// hits every scenario alike), keeping each one's median run.
Reads MeasureReads(uint16_t port, uint64_t tickets, const Args& args, const Tokens& tokens,
                   const std::function<void(std::string_view)>& note) {
  const std::string bare = "GET /bench/bare HTTP/1.1\r\nHost: bench\r\n\r\n";
  const std::string dashboard = Get("/api/v1/dashboard", tokens.reader);
  const std::string report = Get("/api/v1/reports/response-times", tokens.reader);
  const std::vector<std::pair<std::string, RequestMaker>> scenarios = {
      {"baseline (bare handler)", [&](int, uint64_t) { return bare; }},
      {"GET dashboard", [&](int, uint64_t) { return dashboard; }},
      {"GET response-times", [&](int, uint64_t) { return report; }},
      {"GET ticket",
       [&](int conn, uint64_t i) {
         const uint64_t id = 1 + (static_cast<uint64_t>(conn) * 7919 + i * 104729) % tickets;
         return Get(fmt::format("/api/v1/tickets/{}", id), tokens.reader);
       }},
  };
  std::vector<std::vector<Figures>> runs(scenarios.size());
  for (int round = 0; round < std::max(1, args.repeat); ++round) {
    for (size_t k = 0; k < scenarios.size(); ++k) {
      note(fmt::format("{} (round {})", scenarios[k].first, round + 1));
      runs[k].push_back(
          RunLoad(port, args.connections, args.seconds, args.warmup, scenarios[k].second));
    }
  }
  return Reads{Median(std::move(runs[0])), Median(std::move(runs[1])), Median(std::move(runs[2])),
               Median(std::move(runs[3]))};
}

json::object ReadsJson(const Reads& r) {
  return json::object{{"bare", r.bare.ToJson()},
                      {"dashboard", r.dashboard.ToJson()},
                      {"response_times", r.response_times.ToJson()},
                      {"ticket", r.ticket.ToJson()}};
}

}  // namespace

void RegisterBenchHttp(CLI::App& bench, int* exit_code) {
  auto args = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand(
      "http", "HTTP reads and durable writes vs a bare handler, on a large history");
  cmd->add_option("--tickets", args->tickets, "Tickets in the history")->capture_default_str();
  cmd->add_option("--compare-tickets", args->compare_tickets,
                  "Tickets in the second history for the latency-growth check (0: skip)")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Server I/O threads")->capture_default_str();
  cmd->add_option("--connections", args->connections, "Connections for the GET runs")
      ->capture_default_str();
  cmd->add_option("--post-connections", args->post_connections, "Connections for the POST run")
      ->capture_default_str();
  cmd->add_option("--seconds", args->seconds, "Seconds per measurement")->capture_default_str();
  cmd->add_option("--warmup", args->warmup, "Seconds of warm-up before each measurement")
      ->capture_default_str();
  cmd->add_option("--repeat", args->repeat,
                  "Runs of each scenario (round-robin); the median-rate run is reported")
      ->capture_default_str();
  cmd->add_option("--dir", args->dir,
                  "Directory for the histories (kept between runs: remove it to rebuild)")
      ->capture_default_str();
  cmd->add_option("--history", args->history,
                  "generated: `generate`'s simulation of --tickets inquiries (change tickets come "
                  "on top); bulk: a quicker, simpler history of exactly --tickets tickets")
      ->capture_default_str()
      ->check(CLI::IsMember({"generated", "bulk"}));
  cmd->add_flag("--json", args->json, "Print all figures and ratios as one JSON object");
  cmd->callback([args, exit_code] {
    auto fail = [&](const Status& s) {
      fmt::print(stderr, "error: {}\n", s.ToString());
      *exit_code = 2;
    };
    auto note = [&](std::string_view what) {
      if (!args->json) fmt::print(stderr, "measuring {} ...\n", what);
    };
    auto tokens = MakeTokens();
    if (!tokens.ok()) return fail(tokens.status());
    // Bulk histories keep their old folder names, so earlier runs' histories are reused.
    auto history_dir = [&](uint64_t tickets) {
      return fmt::format("{}/{}{}", args->dir, args->history == "bulk" ? "h" : "generated-",
                         tickets);
    };
    auto stack = StartOn(history_dir(args->tickets), args->tickets, *args, *tokens);
    if (!stack.ok()) return fail(stack.status());
    const uint16_t port = (*stack)->port();
    const uint64_t ticket_count = (*stack)->log().Head().last_ticket.value();
    Reads reads = MeasureReads(port, ticket_count, *args, *tokens, note);

    note(fmt::format("durable POST actions from {} connections", args->post_connections));
    const std::string body =
        json::serialize(json::object{{"type", "comment"}, {"body", std::string(120, 'c')}});
    const LogStats before = (*stack)->log().Stats();
    std::vector<Figures> post_runs;
    for (int round = 0; round < std::max(1, args->repeat); ++round) {
      post_runs.push_back(RunLoad(
          port, args->post_connections, args->seconds, args->warmup, [&](int conn, uint64_t) {
            // One ticket per connection: writers do not race on a
            // stream, so no append is decided twice.
            return Post(fmt::format("/api/v1/tickets/{}/actions", 1 + static_cast<uint64_t>(conn)),
                        tokens->agent, body);
          }));
    }
    Figures posts = Median(std::move(post_runs));
    const LogStats after = (*stack)->log().Stats();
    const LogStats stats = after.Since(before);
    if (Status s = (*stack)->Close(); !s.ok()) return fail(s);
    stack->reset();

    std::optional<Reads> large;
    uint64_t large_ticket_count = 0;
    if (args->compare_tickets > 0) {
      auto large_stack =
          StartOn(history_dir(args->compare_tickets), args->compare_tickets, *args, *tokens);
      if (!large_stack.ok()) return fail(large_stack.status());
      note(fmt::format("the GETs again on {} tickets", args->compare_tickets));
      large_ticket_count = (*large_stack)->log().Head().last_ticket.value();
      large = MeasureReads((*large_stack)->port(), large_ticket_count, *args, *tokens, note);
      if (Status s = (*large_stack)->Close(); !s.ok()) return fail(s);
    }

    // Each history's figures are compared with the baseline measured in the same run.
    auto ratio_to = [](const Figures& f, const Figures& base) {
      return base.Rate() > 0 ? f.Rate() / base.Rate() : 0.0;
    };
    auto ratio = [&](const Figures& f) { return ratio_to(f, reads.bare); };
    json::object out;
    out["tickets"] = args->tickets;
    out["history"] = args->history;
    out["history_tickets"] = ticket_count;  // generated: the inquiries and their change tickets
    out["threads"] = args->threads;
    out["get_connections"] = args->connections;
    out["post_connections"] = args->post_connections;
    out["seconds_per_run"] = args->seconds;
    out["reads"] = ReadsJson(reads);
    out["post_actions"] = posts.ToJson();
    out["post_appends_per_commit"] = stats.AppendsPerCommit();
    out["ratio_dashboard_vs_bare"] = ratio(reads.dashboard);
    out["ratio_response_times_vs_bare"] = ratio(reads.response_times);
    out["ratio_ticket_vs_bare"] = ratio(reads.ticket);
    out["ratio_post_vs_bare"] = ratio(posts);
    out["target_get_ratio_min"] = 0.6;
    out["target_get_p99_ms_max"] = 10.0;
    out["target_post_ratio_min"] = 0.25;
    if (large) {
      auto growth = [](const Figures& small, const Figures& big) {
        return small.Percentile(50) > 0 ? big.Percentile(50) / small.Percentile(50) : 0.0;
      };
      out["compare_tickets"] = args->compare_tickets;
      out["compare_history_tickets"] = large_ticket_count;
      out["reads_large"] = ReadsJson(*large);
      out["ratio_large_dashboard_vs_bare"] = ratio_to(large->dashboard, large->bare);
      out["ratio_large_response_times_vs_bare"] = ratio_to(large->response_times, large->bare);
      out["ratio_large_ticket_vs_bare"] = ratio_to(large->ticket, large->bare);
      out["p50_growth_dashboard"] = growth(reads.dashboard, large->dashboard);
      out["p50_growth_response_times"] = growth(reads.response_times, large->response_times);
      out["p50_growth_ticket"] = growth(reads.ticket, large->ticket);
      // The bare handler does not touch the history, so its own growth is the machine's load
      // changing between the two runs; dividing by it leaves what the history size adds.
      const double control = growth(reads.bare, large->bare);
      out["p50_growth_bare"] = control;
      auto normalized = [&](double g) { return control > 0 ? g / control : 0.0; };
      out["p50_growth_dashboard_vs_bare"] = normalized(out["p50_growth_dashboard"].as_double());
      out["p50_growth_response_times_vs_bare"] =
          normalized(out["p50_growth_response_times"].as_double());
      out["p50_growth_ticket_vs_bare"] = normalized(out["p50_growth_ticket"].as_double());
      out["target_p50_growth_max"] = 1.2;
    }
    if (args->json) {
      fmt::print("{}\n", json::serialize(out));
      return;
    }
    const Figures* base = &reads.bare;
    auto line = [&](std::string_view name, const Figures& f) {
      fmt::print("{:<34} {:>9.0f} req/s  p50 {:>6.2f} ms  p99 {:>6.2f} ms  ratio {:.2f}{}\n", name,
                 f.Rate(), f.Percentile(50) / 1000, f.Percentile(99) / 1000, ratio_to(f, *base),
                 f.errors ? fmt::format("  ({} non-2xx/failed)", f.errors) : "");
    };
    fmt::print("{} tickets, {} server threads, GETs from {} connections:\n", args->tickets,
               args->threads, args->connections);
    line("bare handler (baseline)", reads.bare);
    line("GET dashboard", reads.dashboard);
    line("GET response-times", reads.response_times);
    line("GET ticket", reads.ticket);
    line(fmt::format("POST action ({} conns, durable)", args->post_connections), posts);
    fmt::print("appends per group commit during the POST run: {:.1f}\n", stats.AppendsPerCommit());
    if (large) {
      fmt::print("{} tickets:\n", args->compare_tickets);
      base = &large->bare;
      line("bare handler (baseline)", large->bare);
      line("GET dashboard", large->dashboard);
      line("GET response-times", large->response_times);
      line("GET ticket", large->ticket);
      fmt::print(
          "p50 growth {} -> {} tickets: dashboard {:.2f}, response-times {:.2f}, "
          "ticket {:.2f}; bare handler (the machine) {:.2f}; relative to it: "
          "dashboard {:.2f}, response-times {:.2f}, ticket {:.2f} (target <= 1.2)\n",
          args->tickets, args->compare_tickets, out["p50_growth_dashboard"].as_double(),
          out["p50_growth_response_times"].as_double(), out["p50_growth_ticket"].as_double(),
          out["p50_growth_bare"].as_double(), out["p50_growth_dashboard_vs_bare"].as_double(),
          out["p50_growth_response_times_vs_bare"].as_double(),
          out["p50_growth_ticket_vs_bare"].as_double());
    }
  });
}

}  // namespace tl::bench
