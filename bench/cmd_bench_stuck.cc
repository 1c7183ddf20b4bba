// ticketledger-bench stuck-readers [--events N] [--clients C] [--limit L] [--threads T]
//                                  [--connections K] [--seconds S] [--rounds R] [--dir DIR]
//                                  [--json]
//
// Large answers under load (docs/api.md, "Limits"; docs/benchmarks.md, "Clients that do not
// read"): against the real server (server::Stack, as `serve` wires it) on loopback, on a bulk
// history of N events, for each of two modes in one run, the feed streamed (the product) and the
// feed collected whole before it is written (ServerOptions::stream_answers off and no answer
// budget: the server as it was before streaming):
//   1. one reader's feed throughput (GET /api/v1/events?limit=L, after moving along the log),
//      the two modes taking turns for --rounds rounds;
//   2. the p99 of /healthz and of a small report (the cached response-times report), K
//      connections each, and the process's resident memory, without other clients;
//   3. /healthz right after C clients asked for the feed at limit L, never to read a byte, while
//      the server fills their sockets; then, once it has, /healthz and the report again while
//      they hang on, with the memory's peak over both.
// The server runs in this process, so the resident memory is this process's (the load client's
// share is small and the same in every step).
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <fstream>
#include <limits>
#include <thread>

#include "bench/bench_commands.h"
#include "bench/http_load.h"
#include "server/auth.h"
#include "server/stack.h"

namespace tl::bench {
namespace {

namespace json = boost::json;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Args {
  uint64_t events = 40'000;
  int clients = 100;
  uint64_t limit = 10'000;
  int threads = 2;
  int connections = 4;
  double seconds = 5;
  double warmup = 1;
  int rounds = 3;
  std::string dir = "bench-data";
  bool json = false;
};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// This process's resident memory in MiB (VmRSS).
double ResidentMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  }
  return 0;
}

// The CPU time this process has used, in seconds.
double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// A client that asks for the feed and then reads nothing, with a small receive buffer.
class StuckClient {
 public:
  StuckClient(uint16_t port, const std::string& request) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    const int receive_buffer = 16 << 10;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(request.size())) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~StuckClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  StuckClient(const StuckClient&) = delete;
  StuckClient& operator=(const StuckClient&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct FeedRate {
  uint64_t answers = 0, bytes = 0;
  double seconds = 0;
  double MBps() const { return seconds > 0 ? bytes / seconds / 1e6 : 0; }
};

// One reader takes feed answers of `limit` events, one after the other, for `seconds`.
Result<FeedRate> MeasureFeed(uint16_t port, const std::string& token, uint64_t limit, uint64_t head,
                             double seconds) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  beast::flat_buffer buffer;
  FeedRate rate;
  try {
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    const auto start = Clock::now();
    uint64_t after = 0;
    while (SecondsSince(start) < seconds) {
      if (after + limit > head) after = 0;
      const std::string request =
          Get(fmt::format("/api/v1/events?limit={}&after={}", limit, after), token);
      net::write(socket, net::buffer(request));
      http::response_parser<http::string_body> parser;
      parser.body_limit(1u << 30);
      http::read(socket, buffer, parser);
      if (parser.get().result_int() != 200) {
        return Status::Internal(fmt::format("the feed answered {}", parser.get().result_int()));
      }
      rate.bytes += parser.get().body().size();
      ++rate.answers;
      after += limit;
    }
    rate.seconds = SecondsSince(start);
  } catch (const boost::system::system_error& e) {
    return Status::Unavailable(fmt::format("feed reader: {}", e.what()));
  }
  return rate;
}

struct Mode {
  std::string name;
  FeedRate feed;
  Figures healthz, report, healthz_filling, healthz_stuck, report_stuck;
  double rss_mib = 0, rss_stuck_mib = 0;
  int stuck_connected = 0;
  double settle_seconds = 0;

  json::object ToJson() const {
    return json::object{{"feed_mb_per_s", feed.MBps()},
                        {"feed_answers", feed.answers},
                        {"feed_bytes_per_answer", feed.answers ? feed.bytes / feed.answers : 0},
                        {"healthz", healthz.ToJson()},
                        {"report", report.ToJson()},
                        {"healthz_while_filling", healthz_filling.ToJson()},
                        {"healthz_with_stuck", healthz_stuck.ToJson()},
                        {"report_with_stuck", report_stuck.ToJson()},
                        {"rss_mib", rss_mib},
                        {"rss_with_stuck_mib", rss_stuck_mib},
                        {"stuck_connected", stuck_connected},
                        {"settle_seconds", settle_seconds}};
  }
};

Result<std::unique_ptr<server::Stack>> StartServer(const Args& args, bool stream,
                                                   const std::string& dir,
                                                   const server::Authenticator& auth) {
  server::StackOptions options;
  options.data_dir = dir;
  options.server.port = 0;
  options.server.threads = args.threads;
  options.server.access_log = false;
  options.server.stream_answers = stream;
  // Before streaming there was no budget either.
  if (!stream) options.server.max_answer_memory = std::numeric_limits<size_t>::max();
  options.projections.use_checkpoints = false;
  TL_ASSIGN_OR_RETURN(auto stack, server::Stack::Start(std::move(options), auth));
  TL_RETURN_IF_ERROR(WaitForIntegrityWalk(*stack).status());
  return stack;
}

// One reader's feed throughput in each mode, `rounds` times, the modes taking turns (so that a
// burst of load from elsewhere hits both alike); the median round of each.
Result<std::pair<FeedRate, FeedRate>> MeasureFeeds(
    const Args& args, const std::string& dir, const std::string& token,
    const server::Authenticator& auth, const std::function<void(std::string_view)>& note) {
  std::vector<FeedRate> rates[2];
  for (int round = 0; round < std::max(1, args.rounds); ++round) {
    for (int stream : {1, 0}) {
      TL_ASSIGN_OR_RETURN(auto stack, StartServer(args, stream, dir, auth));
      TL_ASSIGN_OR_RETURN(FeedRate rate,
                          MeasureFeed(stack->port(), token, args.limit,
                                      stack->log().Head().seq.value(), args.seconds));
      rates[stream].push_back(rate);
      note(fmt::format("feed round {} {}: {:.1f} MB/s", round + 1, stream ? "streamed" : "whole",
                       rate.MBps()));
      TL_RETURN_IF_ERROR(stack->Close());
    }
  }
  auto median = [](std::vector<FeedRate> v) {
    std::sort(v.begin(), v.end(),
              [](const FeedRate& a, const FeedRate& b) { return a.MBps() < b.MBps(); });
    return v[v.size() / 2];
  };
  return std::pair{median(rates[1]), median(rates[0])};
}

Result<Mode> Measure(const Args& args, bool stream, const std::string& dir,
                     const std::string& token, const server::Authenticator& auth,
                     const std::function<void(std::string_view)>& note) {
  Mode mode;
  mode.name = stream ? "streamed" : "whole";
  TL_ASSIGN_OR_RETURN(auto stack, StartServer(args, stream, dir, auth));
  const uint16_t port = stack->port();

  const std::string healthz = "GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n";
  const std::string report = Get("/api/v1/reports/response-times", token);
  auto load = [&](const std::string& request, double warmup) {
    return RunLoad(port, args.connections, args.seconds, warmup,
                   [&](int, uint64_t) { return request; });
  };
  note(fmt::format("{}: /healthz and a report without other clients", mode.name));
  mode.healthz = load(healthz, args.warmup);
  mode.report = load(report, args.warmup);
  mode.rss_mib = ResidentMiB();

  note(fmt::format("{}: {} clients that never read", mode.name, args.clients));
  const std::string feed = Get(fmt::format("/api/v1/events?limit={}", args.limit), token);
  std::vector<std::unique_ptr<StuckClient>> stuck;
  for (int i = 0; i < args.clients; ++i) {
    stuck.push_back(std::make_unique<StuckClient>(port, feed));
    mode.stuck_connected += stuck.back()->ok() ? 1 : 0;
  }
  // First while the server fills the stuck clients' sockets (a few MB each on loopback, whose
  // large segments make the kernel's send buffers large from the start)...
  const auto settle_start = Clock::now();
  // No warm-up here: a request that waits behind the filling must be counted.
  mode.healthz_filling = load(healthz, 0);
  double peak = ResidentMiB();
  // ...then once it has: when the process has gone quiet (under a tenth of a core).
  for (double cpu = CpuSeconds(); SecondsSince(settle_start) < 300;) {
    const auto half = Clock::now();
    while (SecondsSince(half) < 0.5) {
      peak = std::max(peak, ResidentMiB());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const double now = CpuSeconds();
    if (now - cpu < 0.05) break;
    cpu = now;
  }
  mode.settle_seconds = SecondsSince(settle_start);
  mode.healthz_stuck = load(healthz, args.warmup);
  mode.report_stuck = load(report, args.warmup);
  mode.rss_stuck_mib = std::max(peak, ResidentMiB());
  stuck.clear();
  TL_RETURN_IF_ERROR(stack->Close());
  return mode;
}

}  // namespace

void RegisterBenchStuckReaders(CLI::App& bench, int* exit_code) {
  auto args = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand(
      "stuck-readers",
      "/healthz and a report while clients that never read hang on the feed, streamed vs whole");
  cmd->add_option("--events", args->events, "Events in the bulk history (about)")
      ->capture_default_str();
  cmd->add_option("--clients", args->clients, "Clients that ask for the feed and never read")
      ->capture_default_str();
  cmd->add_option("--limit", args->limit, "The feed's limit")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Server I/O threads")->capture_default_str();
  cmd->add_option("--connections", args->connections, "Connections for /healthz and the report")
      ->capture_default_str();
  cmd->add_option("--seconds", args->seconds, "Seconds per measurement")->capture_default_str();
  cmd->add_option("--warmup", args->warmup, "Seconds of warm-up before each load measurement")
      ->capture_default_str();
  cmd->add_option("--rounds", args->rounds,
                  "Rounds of the feed throughput, the modes taking turns; the median is kept")
      ->capture_default_str();
  cmd->add_option("--dir", args->dir,
                  "Directory for the history (kept between runs: remove it to rebuild)")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print all figures as one JSON object");
  cmd->callback([args, exit_code] {
    auto fail = [&](const Status& s) {
      fmt::print(stderr, "error: {}\n", s.ToString());
      *exit_code = 2;
    };
    auto note = [&](std::string_view what) {
      if (!args->json) fmt::print(stderr, "measuring {} ...\n", what);
    };
    auto auditor = server::GenerateToken();
    if (!auditor.ok()) return fail(auditor.status());
    auto auth = server::Authenticator::Parse(
        fmt::format("{} auditor bench-auditor\n", auditor->sha256_hex));
    if (!auth.ok()) return fail(auth.status());
    const uint64_t tickets = std::max<uint64_t>(
        1, static_cast<uint64_t>((args->events - kBulkReferenceEvents) / kBulkEventsPerTicket));
    const std::string dir = fmt::format("{}/h{}", args->dir, tickets);
    if (Status s = EnsureBulkHistory(dir, tickets, args->json); !s.ok()) return fail(s);

    note("one reader's feed throughput, streamed and whole in turns");
    auto feeds = MeasureFeeds(*args, dir, auditor->token, *auth, note);
    if (!feeds.ok()) return fail(feeds.status());
    std::vector<Mode> modes;
    for (bool stream : {true, false}) {
      auto mode = Measure(*args, stream, dir, auditor->token, *auth, note);
      if (!mode.ok()) return fail(mode.status());
      mode->feed = stream ? feeds->first : feeds->second;
      modes.push_back(std::move(mode).value());
    }
    json::object out;
    out["events"] = args->events;
    out["clients"] = args->clients;
    out["limit"] = args->limit;
    out["threads"] = args->threads;
    out["connections"] = args->connections;
    out["seconds_per_run"] = args->seconds;
    for (const Mode& m : modes) out[m.name] = m.ToJson();
    out["target_rss_mib_max"] = 300;
    out["target_p99_ms_max"] = 50;
    if (args->json) {
      fmt::print("{}\n", json::serialize(out));
      return;
    }
    fmt::print("{} events, {} server threads, {} stuck clients on limit={}:\n", args->events,
               args->threads, args->clients, args->limit);
    for (const Mode& m : modes) {
      fmt::print(
          "{}: feed {:.1f} MB/s ({} B an answer); RSS {:.0f} MiB -> {:.0f} MiB with the "
          "stuck clients ({} connected, settled in {:.1f} s)\n",
          m.name, m.feed.MBps(), m.feed.answers ? m.feed.bytes / m.feed.answers : 0, m.rss_mib,
          m.rss_stuck_mib, m.stuck_connected, m.settle_seconds);
      auto line = [](std::string_view name, const Figures& f) {
        fmt::print("  {:<28} {:>8.0f} req/s  p50 {:>7.2f} ms  p99 {:>7.2f} ms{}\n", name, f.Rate(),
                   f.Percentile(50) / 1000, f.Percentile(99) / 1000,
                   f.errors ? fmt::format("  ({} non-2xx/failed)", f.errors) : "");
      };
      line("/healthz", m.healthz);
      line("/healthz, while filling", m.healthz_filling);
      line("/healthz, stuck clients", m.healthz_stuck);
      line("report", m.report);
      line("report, stuck clients", m.report_stuck);
    }
  });
}

}  // namespace tl::bench
