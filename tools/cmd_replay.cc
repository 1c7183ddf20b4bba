// ticketledger replay --data DIR [--to-seq N | --to-time T | --as-of N|T | --known-at T]
//                    [--report NAME[?QUERY] ...] [--json]
//
// The auditor's tool: rebuilds every projection from seq 1 of the log (never from a checkpoint),
// checking each event against the hash chain on the way (fail-stop), with a progress bar and
// events/s on stderr. Then it prints a summary (seq, tickets, each projection's state digest) or
// the named reports as they stood at that point, one JSON body a line, exactly as the API answers
// `GET /api/v1/reports/NAME?QUERY` (`dashboard`, `followups` and `feedback-pending` are reports
// here too). --to-seq stops after that seq; --to-time stops before the first event recorded
// after T (what the ledger knew then). --as-of and --known-at take the API's past points
// (docs/api.md "Looking into the past"): --as-of N is --to-seq N, --known-at T is --to-time T,
// and --as-of T keeps the events that occurred by T, wherever they are in the log
// (projections::OptionsAt, the API's path).
// Exit 0 ok; 1 the log is damaged (the seq and why); 2 usage (bad option, report or parameter).
#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "ledger/domain/time_format.h"
#include "projections/past_points.h"
#include "projections/projections.h"
#include "server/report_bodies.h"
#include "tools/cli_checks.h"
#include "tools/commands.h"
#include "tools/log_access.h"
#include "tools/progress.h"

namespace tl::tools {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded, as a URL's query string arrives at the server.
Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || HexDigit(s[i + 1]) < 0 || HexDigit(s[i + 2]) < 0) {
        return Status::BadField(fmt::format("bad percent-escape in '{}'", s));
      }
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct ReportRequest {
  std::string name;
  server::QueryParams params;
};

// "volume?group_by=queue&interval=week" -> name and parameters.
Result<ReportRequest> ParseReportArg(std::string_view arg) {
  ReportRequest r;
  const size_t q = arg.find('?');
  r.name = std::string(arg.substr(0, q));
  if (q == std::string_view::npos) return r;
  std::string_view query = arg.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    TL_ASSIGN_OR_RETURN(std::string key, PercentDecode(pair.substr(0, eq)));
    TL_ASSIGN_OR_RETURN(
        std::string value,
        PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1)));
    r.params[std::move(key)] = std::move(value);
  }
  return r;
}

}  // namespace

void RegisterReplay(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    std::string master_key;
    std::optional<uint64_t> to_seq;
    std::optional<std::string> to_time;
    std::optional<std::string> as_of;
    std::optional<std::string> known_at;
    std::vector<std::string> reports;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "replay", "Rebuild the projections from the log; print a summary or reports as of a point");
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  cmd->add_option("--master-key", args->master_key,
                  "The master key file, to read personal fields as text (default: master.key "
                  "in the data directory)");
  auto* to_seq =
      cmd->add_option("--to-seq", args->to_seq, "Stop after this seq")->check(NonNegativeId());
  auto* to_time = cmd->add_option("--to-time", args->to_time,
                                  "Stop before the first event recorded after this RFC 3339 time")
                      ->excludes(to_seq);
  auto* as_of = cmd->add_option("--as-of", args->as_of,
                                "The events up to this seq, or those that occurred by this RFC "
                                "3339 time (as the API's as_of)")
                    ->excludes(to_seq)
                    ->excludes(to_time);
  cmd->add_option("--known-at", args->known_at,
                  "The events recorded by this RFC 3339 time (as the API's known_at)")
      ->excludes(to_seq)
      ->excludes(to_time)
      ->excludes(as_of);
  cmd->add_option("--report", args->reports,
                  "Print this report (NAME or NAME?QUERY as in the API, e.g. "
                  "'volume?interval=week'); repeatable")
      ->type_name("NAME[?QUERY]");
  cmd->add_flag("--json", args->json, "Print the summary as one JSON object");
  cmd->callback([args, exit_code] {
    std::vector<ReportRequest> reports;
    for (const std::string& arg : args->reports) {
      auto parsed = ParseReportArg(arg);
      if (!parsed.ok()) {
        fmt::print(stderr, "error: --report {}: {}\n", arg, parsed.status().message());
        *exit_code = 2;
        return;
      }
      reports.push_back(std::move(parsed).value());
    }
    projections::Options options;
    if (args->as_of || args->known_at) {
      server::QueryParams point_query;
      if (args->as_of) point_query["as_of"] = *args->as_of;
      if (args->known_at) point_query["known_at"] = *args->known_at;
      auto point = server::ParsePastPoint(point_query);
      if (!point.ok() || !*point) {
        fmt::print(stderr, "error: {}\n", point.ok() ? "an empty point" : point.status().message());
        *exit_code = 2;
        return;
      }
      options = projections::OptionsAt(**point);
    }
    options.use_checkpoints = false;
    options.verify_chain = true;
    if (args->to_seq) options.to_seq = ledger::Seq(*args->to_seq);
    if (args->to_time) {
      auto t = ledger::ParseRfc3339(*args->to_time);
      if (!t.ok()) {
        fmt::print(stderr, "error: --to-time: {}\n", t.status().message());
        *exit_code = 2;
        return;
      }
      options.to_time = *t;
    }
    auto log = OpenLogForReading(args->data, /*with_keys=*/true, args->master_key);
    if (!log) {
      *exit_code = 2;
      return;
    }
    const ledger::Seq head = log->Head().seq;
    Progress progress("replay", "events",
                      (options.to_seq ? std::min(*options.to_seq, head) : head).value());
    options.progress = [&](ledger::Seq done, ledger::Seq total) {
      progress.SetTotal(total.value());
      progress.Update(done.value());
    };
    auto opened = projections::Projections::Open(*log, projections::StandardModels(), options,
                                                 /*attach=*/false);
    if (!opened.ok()) {
      progress.Finish(0);
      fmt::print(stderr, "error: {}\n", opened.status().ToString());
      *exit_code = 1;
      return;
    }
    const projections::Projections& p = **opened;
    progress.Finish(p.applied_seq().value());

    if (!reports.empty()) {
      // The server's report endpoints and bodies: the same bytes as the API's answers.
      server::ReportBodies bodies(p.reports());
      for (const ReportRequest& r : reports) {
        const server::ReportEndpoint* endpoint = server::FindReportEndpoint(r.name);
        Result<std::shared_ptr<const std::string>> body =
            Status::NotFound(fmt::format("no report named '{}'", r.name));
        if (endpoint) body = bodies.Get(*endpoint, r.params);
        if (!body.ok()) {
          fmt::print(stderr, "error: report {}: {}\n", r.name, body.status().ToString());
          *exit_code = 2;
          return;
        }
        fmt::print("{}\n", **body);
      }
      return;
    }
    const double seconds = progress.Seconds();
    if (args->json) {
      boost::json::object digests;
      for (const auto& [name, digest] : p.StateDigests()) digests[name] = digest;
      boost::json::object o{
          {"seq", p.applied_seq().value()},
          {"tickets", p.ticket_count()},
          {"latest_occurred_at", ledger::FormatRfc3339(p.latest_occurred_at())},
          {"seconds", seconds},
          {"events_per_s",
           seconds > 0 ? static_cast<double>(p.applied_seq().value()) / seconds : 0.0},
          {"digests", std::move(digests)},
      };
      fmt::print("{}\n", boost::json::serialize(o));
    } else {
      fmt::print("replayed to seq {}: {} tickets, latest event occurred at {}\n", p.applied_seq(),
                 p.ticket_count(), ledger::FormatRfc3339(p.latest_occurred_at()));
      for (const auto& [name, digest] : p.StateDigests()) {
        fmt::print("  {:<18} {}\n", name, digest);
      }
    }
  });
}

}  // namespace tl::tools
