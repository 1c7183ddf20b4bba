// ticketledger-bench erasure --data DIR [--samples N] [--seed S] [--json]
//
// How long an erasure takes to answer on a big ledger (the target: within 2 s on a
// 2 M-event ledger; docs/privacy.md, "Figures"): the real server stack on DIR (a ledger made by
// `ticketledger generate`, e.g. 190 000 inquiries for about 2 M events; kept between runs),
// once its start-up walk over the log is done, answers N `POST /api/v1/privacy/erasures` by
// ticket and N by requester, alternating, each over loopback from request to answer (append,
// fsync, key store Destroy). Each run erases tickets that no run erased before (picked from the
// read models by a seeded walk), so the ledger serves many runs; it is changed by them.
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>

#include "bench/bench_commands.h"
#include "bench/http_load.h"
#include "server/auth.h"
#include "server/stack.h"
#include "tools/log_access.h"

namespace tl::bench {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string data;
  int samples = 5;
  uint64_t seed = 0;  // 0: from the clock, so that runs pick different tickets
  bool json = false;
};

struct Answer {
  int status = 0;
  std::string body;
  double seconds = 0;
};

// One POST over a new loopback connection, timed from connect to the whole answer.
Result<Answer> Post(uint16_t port, const std::string& token, const std::string& target,
                    const std::string& body) {
  try {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket(ioc);
    const auto start = Clock::now();
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "bench");
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(socket, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    Answer out{static_cast<int>(res.result_int()), res.body(),
               std::chrono::duration<double>(Clock::now() - start).count()};
    boost::system::error_code ignored;
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    return out;
  } catch (const std::exception& e) {
    return Status::Unavailable(fmt::format("POST {}: {}", target, e.what()));
  }
}

// splitmix64: a seeded walk over the ticket ids.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Samples {
  std::vector<double> seconds;
  uint64_t tickets = 0;  // erased in all
  json::object ToJson() const {
    std::vector<double> s = seconds;
    std::sort(s.begin(), s.end());
    return json::object{{"samples", s.size()},
                        {"median_s", s.empty() ? 0.0 : s[s.size() / 2]},
                        {"max_s", s.empty() ? 0.0 : s.back()},
                        {"tickets_erased", tickets}};
  }
};

Status Run(const Args& args, json::object& out) {
  if (!tools::MayHoldLedger(args.data)) {
    return Status::NotFound(
        fmt::format("no ledger in {} (make one with ticketledger generate)", args.data));
  }
  TL_ASSIGN_OR_RETURN(auto admin, server::GenerateToken());
  TL_ASSIGN_OR_RETURN(auto auth, server::Authenticator::Parse(
                                     fmt::format("{} admin bench-admin\n", admin.sha256_hex)));
  server::StackOptions options;
  options.data_dir = args.data;
  options.server.port = 0;
  options.server.threads = 2;
  options.server.access_log = false;
  const auto start = Clock::now();
  TL_ASSIGN_OR_RETURN(auto stack, server::Stack::Start(std::move(options), std::move(auth)));
  const double start_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!args.json) fmt::print(stderr, "bench erasure: waiting for the integrity walk\n");
  TL_ASSIGN_OR_RETURN(const double walk_seconds, WaitForIntegrityWalk(*stack));
  const uint64_t tickets = stack->log().Head().last_ticket.value();
  if (tickets == 0) return Status::Internal("the ledger has no tickets");

  uint64_t walk =
      args.seed != 0 ? args.seed : static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  // The next ticket of the walk that is not erased yet and (for a request by requester) has one.
  // Its requester is read from the log, as the server reads it (the read models keep none).
  struct Live {
    ledger::TicketId id;
    std::string requester;
  };
  auto next_live = [&]() -> Result<Live> {
    for (int tries = 0; tries < 10'000; ++tries) {
      const ledger::TicketId id(1 + Mix(walk++) % tickets);
      std::optional<ledger::TicketState> t = stack->projections().Ticket(id);
      if (!t || t->erased) continue;
      TL_ASSIGN_OR_RETURN(ledger::TicketTexts texts, stack->projections().TextsOf(*t));
      if (!texts.requester.empty()) return Live{id, std::move(texts.requester)};
    }
    return Status::Internal("no ticket left to erase");
  };
  Samples by_ticket, by_requester;
  for (int i = 0; i < args.samples; ++i) {
    if (!args.json) fmt::print(stderr, "bench erasure: sample {}/{}\n", i + 1, args.samples);
    TL_ASSIGN_OR_RETURN(Live one, next_live());
    TL_ASSIGN_OR_RETURN(Answer a,
                        Post(stack->port(), admin.token, "/api/v1/privacy/erasures",
                             json::serialize(json::object{{"ticket", one.id.value()},
                                                          {"reason", "bench erasure by ticket"}})));
    if (a.status != 200) return Status::Internal(fmt::format("{}: {}", a.status, a.body));
    by_ticket.seconds.push_back(a.seconds);
    by_ticket.tickets += 1;

    TL_ASSIGN_OR_RETURN(Live of, next_live());
    TL_ASSIGN_OR_RETURN(
        Answer b, Post(stack->port(), admin.token, "/api/v1/privacy/erasures",
                       json::serialize(json::object{{"requester", of.requester},
                                                    {"reason", "bench erasure by requester"}})));
    if (b.status != 200) return Status::Internal(fmt::format("{}: {}", b.status, b.body));
    by_requester.seconds.push_back(b.seconds);
    by_requester.tickets += json::parse(b.body).at("erased_tickets").as_array().size();
  }
  out["events"] = stack->log().Head().seq.value();
  TL_RETURN_IF_ERROR(stack->Close());
  out["tickets"] = tickets;
  out["start_seconds"] = start_seconds;
  out["integrity_walk_seconds"] = walk_seconds;
  out["by_ticket"] = by_ticket.ToJson();
  out["by_requester"] = by_requester.ToJson();
  out["target_seconds_max"] = 2.0;
  return Status::Ok();
}

}  // namespace

void RegisterBenchErasure(CLI::App& bench, int* exit_code) {
  auto args = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand(
      "erasure", "Erasure latency over HTTP, by ticket and by requester, on a big ledger");
  cmd->add_option("--data", args->data,
                  "A ledger to erase in (ticketledger generate --tickets 190000 makes 2 M "
                  "events); the runs change it")
      ->required();
  cmd->add_option("--samples", args->samples, "Erasures of each kind")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", args->seed, "Seed of the tickets picked (0: from the clock)")
      ->capture_default_str();
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
    fmt::print("ledger: {} events, {} tickets; start {:.1f} s, integrity walk {:.1f} s\n",
               out["events"].as_uint64(), out["tickets"].as_uint64(),
               out["start_seconds"].as_double(), out["integrity_walk_seconds"].as_double());
    for (const char* kind : {"by_ticket", "by_requester"}) {
      const json::object& f = out[kind].as_object();
      fmt::print("erasure {:<13} {} samples, median {:.3f} s, max {:.3f} s ({} tickets erased)\n",
                 kind, f.at("samples").as_uint64(), f.at("median_s").as_double(),
                 f.at("max_s").as_double(), f.at("tickets_erased").as_uint64());
    }
    fmt::print("target: < 2 s\n");
  });
}

}  // namespace tl::bench
