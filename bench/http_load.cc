#include "bench/http_load.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "app/data_keys.h"
#include "app/ledger_integrity.h"
#include "ledger/store/event_log.h"
#include "tools/progress.h"

namespace tl::bench {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace json = boost::json;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using namespace tl::ledger;
using namespace tl::tools;

constexpr TimeNs kSecond = kNanosPerSecond;
constexpr TimeNs kHour = 3600 * kSecond;
constexpr TimeNs kDay = 24 * kHour;

// ---- Synthetic history --------------------------------------------------------------------

const std::vector<std::string> kServices = {
    "Identitet_Feide", "Eduroam", "Filesender", "Zoom", "Nettsky", "DNS", "Epost", "Sertifikat"};
const std::vector<std::string> kQueues = {"Orakel", "campus", "drift", "nett"};

EventDraft Draft(uint64_t ticket, uint32_t index, TimeNs at, const std::string& actor,
                 Payload payload) {
  return EventDraft{EventId::FromName("bench-http", fmt::format("{}/{}", ticket, index)), at, actor,
                    "bench", std::move(payload)};
}

// Writes reference data and `tickets` tickets over the 400 days before `end`: each opened (and
// acknowledged in Orakel), most replied to, many resolved, some stalled. Bulk appends, no rules
// (the history is made consistent with them by construction).
Status BuildHistory(EventLog& log, uint64_t tickets, TimeNs end, bool quiet) {
  std::vector<AppendRequest> batch;
  uint32_t ref = 0;
  auto ref_draft = [&](Payload p) {
    return EventDraft{EventId::FromName("bench-http-ref", std::to_string(ref++)), end - 401 * kDay,
                      "admin", "bench", std::move(p)};
  };
  for (const auto& q : kQueues) {
    AppendRequest r;
    r.parts.push_back(
        StreamAppend{StreamId::Queue(q),
                     Version{0},
                     {ref_draft(QueueDefined{{"agent", "olga", "otto"}, q == "Orakel"})}});
    batch.push_back(std::move(r));
  }
  for (const auto& s : kServices) {
    AppendRequest r;
    r.parts.push_back(
        StreamAppend{StreamId::Service(s), Version{0}, {ref_draft(ServiceDefined{s})}});
    batch.push_back(std::move(r));
  }
  for (auto& result : log.AppendBatch(std::move(batch))) TL_RETURN_IF_ERROR(result.status());

  std::mt19937_64 rng(42);
  Progress progress("history", "tickets", tickets);
  const TimeNs span = 400 * kDay;
  for (uint64_t done = 0; done < tickets;) {
    std::vector<AppendRequest> requests;
    const uint64_t n = std::min<uint64_t>(2000, tickets - done);
    for (uint64_t k = 0; k < n; ++k) {
      const uint64_t t = done + k + 1;
      TimeNs at = end - span + static_cast<TimeNs>(span * (static_cast<double>(t) / tickets));
      const std::string& queue = kQueues[rng() % kQueues.size()];
      TicketOpened opened;
      opened.service = kServices[rng() % kServices.size()];
      opened.category = rng() % 5 == 0 ? Category::kIncident : Category::kSupport;
      opened.description = fmt::format("login, {}", opened.service);
      opened.queue = queue;
      opened.requester = fmt::format("user{}@uni.no", rng() % 5000);
      opened.channel = Channel::kEmail;
      opened.subject = "help";
      std::vector<EventDraft> drafts;
      uint32_t index = 0;
      drafts.push_back(Draft(t, index++, at, "olga", opened));
      if (queue == "Orakel") drafts.push_back(Draft(t, index++, at, "olga", Acknowledged{}));
      const uint64_t fate = rng() % 10;
      if (fate < 8) {
        at += static_cast<TimeNs>(rng() % (8 * kHour));
        drafts.push_back(Draft(t, index++, at, "otto", Replied{"looking at it"}));
        drafts.push_back(
            Draft(t, index++, at, "otto", StatusChanged{TicketStatus::kNew, TicketStatus::kOpen}));
      }
      if (fate < 6) {
        at += static_cast<TimeNs>(rng() % (3 * kDay));
        drafts.push_back(Draft(t, index++, at, "otto", Resolved{"reset the password"}));
      } else if (fate == 6) {
        at += kHour;
        drafts.push_back(Draft(t, index++, at, "otto", Stalled{"logs", at + 2 * kDay}));
      }
      AppendRequest r;
      r.parts.push_back(StreamAppend{StreamId::NewTicket(), Version{0}, std::move(drafts)});
      requests.push_back(std::move(r));
    }
    for (auto& result : log.AppendBatch(std::move(requests))) TL_RETURN_IF_ERROR(result.status());
    done += n;
    if (!quiet) progress.Update(done);
  }
  if (!quiet) progress.Finish(tickets);
  return Status::Ok();
}

// ---- Load client ----------------------------------------------------------------------------

// `connections` keep-alive connections, each sending its next request as soon as the previous
// answer is in (closed loop), for `seconds` after a warm-up. One client thread.
class LoadRun {
 public:
  LoadRun(uint16_t port, int connections, double seconds, double warmup, RequestMaker make)
      : port_(port), make_(std::move(make)), conns_(connections) {
    start_ = SteadyClock::now();
    measure_from_ = start_ + std::chrono::duration_cast<SteadyClock::duration>(
                                 std::chrono::duration<double>(warmup));
    end_ = measure_from_ + std::chrono::duration_cast<SteadyClock::duration>(
                               std::chrono::duration<double>(seconds));
  }

  Figures Run() {
    for (int c = 0; c < static_cast<int>(conns_.size()); ++c) {
      conns_[c] = std::make_unique<Conn>(ioc_, c);
      boost::system::error_code ec;
      conns_[c]->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
      if (ec) {
        ++figures_.errors;
        continue;
      }
      conns_[c]->socket.set_option(tcp::no_delay(true));
      Next(*conns_[c]);
    }
    ioc_.run();
    figures_.seconds = std::chrono::duration<double>(end_ - measure_from_).count();
    return std::move(figures_);
  }

 private:
  struct Conn {
    Conn(net::io_context& ioc, int i) : socket(ioc), index(i) {}
    tcp::socket socket;
    int index;
    uint64_t sent = 0;
    std::string request;
    beast::flat_buffer buffer;
    std::optional<http::response_parser<http::string_body>> parser;
    SteadyClock::time_point begin;
  };

  void Next(Conn& c) {
    if (SteadyClock::now() >= end_) {
      boost::system::error_code ignored;
      c.socket.shutdown(tcp::socket::shutdown_both, ignored);
      c.socket.close(ignored);
      return;
    }
    c.request = make_(c.index, c.sent++);
    c.begin = SteadyClock::now();
    net::async_write(c.socket, net::buffer(c.request),
                     [this, &c](boost::system::error_code ec, size_t) {
                       if (ec) return Failed(c);
                       c.parser.emplace();
                       c.parser->body_limit(64u << 20);
                       http::async_read(c.socket, c.buffer, *c.parser,
                                        [this, &c](boost::system::error_code read_ec, size_t) {
                                          if (read_ec) return Failed(c);
                                          Done(c);
                                        });
                     });
  }

  void Done(Conn& c) {
    const auto now = SteadyClock::now();
    if (c.begin >= measure_from_ && now <= end_) {
      const int status = static_cast<int>(c.parser->get().result_int());
      ++figures_.statuses[status];
      if (status / 100 == 2) {
        ++figures_.ok;
        figures_.latencies_us.push_back(
            std::chrono::duration<double, std::micro>(now - c.begin).count());
      } else {
        ++figures_.errors;
      }
    }
    Next(c);
  }

  void Failed(Conn& c) {
    ++figures_.errors;
    boost::system::error_code ignored;
    c.socket.close(ignored);
  }

  net::io_context ioc_;
  uint16_t port_;
  RequestMaker make_;
  std::vector<std::unique_ptr<Conn>> conns_;
  Figures figures_;
  SteadyClock::time_point start_, measure_from_, end_;
};

}  // namespace

Status EnsureBulkHistory(const std::string& dir, uint64_t tickets, bool quiet) {
  const TimeNs end = 1'798'761'600 * kSecond;  // 2027-01-01T00:00:00Z
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  // Sealed, as the server it is served by requires (docs/privacy.md).
  LogOptions options;
  TL_ASSIGN_OR_RETURN(options.keys, app::OpenDataKeys(dir, "", /*create=*/true));
  TL_ASSIGN_OR_RETURN(auto log, EventLog::Open(dir, options));
  if (log->Head().last_ticket.value() == tickets) return Status::Ok();
  if (!log->Head().seq.is_zero()) {
    return Status::BadField(fmt::format("{} holds another history; remove it", dir));
  }
  if (!quiet) fmt::print(stderr, "building a history of {} tickets in {}\n", tickets, dir);
  return BuildHistory(*log, tickets, end, quiet);
}

Result<double> WaitForIntegrityWalk(server::Stack& stack) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const app::LedgerIntegrity::Snapshot walk = stack.integrity().snapshot();
    if (walk.state == app::LedgerIntegrity::State::kCorrupt) {
      return Status::DataLoss(fmt::format("the history is damaged: {}", walk.problem));
    }
    if (walk.state == app::LedgerIntegrity::State::kVerified) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

server::Response BenchBare(const server::Request&) {
  static const std::string kBody = [] {
    std::string body = "{\"ok\":true,\"pad\":\"";
    body.append(200 - body.size() - 2, 'x');
    body += "\"}";
    return body;
  }();
  server::Response r;
  r.body = kBody;
  return r;
}

double Figures::Percentile(double p) const {
  if (latencies_us.empty()) return 0;
  std::vector<double> sorted = latencies_us;
  std::sort(sorted.begin(), sorted.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

json::object Figures::ToJson() const {
  json::object statuses_json;
  for (auto [status, count] : statuses) statuses_json[std::to_string(status)] = count;
  return json::object{{"ok", ok},
                      {"errors", errors},
                      {"seconds", seconds},
                      {"req_per_s", Rate()},
                      {"p50_ms", Percentile(50) / 1000},
                      {"p99_ms", Percentile(99) / 1000},
                      {"statuses", std::move(statuses_json)}};
}

Figures Median(std::vector<Figures> runs) {
  std::sort(runs.begin(), runs.end(),
            [](const Figures& a, const Figures& b) { return a.Rate() < b.Rate(); });
  return std::move(runs[runs.size() / 2]);
}

Figures RunLoad(uint16_t port, int connections, double seconds, double warmup, RequestMaker make) {
  return LoadRun(port, connections, seconds, warmup, std::move(make)).Run();
}

std::string Get(const std::string& target, const std::string& token) {
  return fmt::format("GET {} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\n\r\n", target,
                     token);
}

std::string Post(const std::string& target, const std::string& token, const std::string& body) {
  return fmt::format(
      "POST {} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\nContent-Type: "
      "application/json\r\nContent-Length: {}\r\n\r\n{}",
      target, token, body.size(), body);
}

}  // namespace tl::bench
