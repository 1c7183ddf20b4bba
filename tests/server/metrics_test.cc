// /metrics: Prometheus text format 0.0.4 that promtool accepts, with counts that match what
// happened, and no ticket ids or people in labels.
#include <chrono>
#include <sstream>
#include <thread>

#include "tests/server/api_support.h"
#include "tests/support/subprocess.h"

using namespace tl::testing;
namespace json = boost::json;

namespace {

// The value of one sample line `name{labels} value` (labels as written), or -1.
double Sample(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("promtool accepts /metrics and its counts match the ledger",
          "[server][metrics][loopback]") {
  Api api;
  HttpClient olga = api.Client("olga");
  for (int i = 0; i < 3; ++i) {
    const uint64_t id = api.OpenTicket(i == 0 ? "campus" : "Orakel");
    REQUIRE(olga.Post("/api/v1/tickets/" + std::to_string(id) + "/actions",
                      json::object{{"type", "reply"}, {"body", "hi"}})
                .status == 201);
  }
  auto refused = olga.Post("/api/v1/tickets/1/actions", json::object{{"type", "resolve"}});
  REQUIRE(refused.status == 422);
  const std::string refused_code = refused.Json().at("error").at("code").as_string().c_str();
  HttpClient anonymous(api.server.port());
  const std::string metrics = anonymous.Get("/metrics").body;

  auto promtool = RunCommand({"/usr/bin/promtool", "check", "metrics"}, metrics);
  INFO(metrics);
  INFO(promtool.out << promtool.err);
  CHECK(promtool.exit_code == 0);

  CHECK(Sample(metrics, "ticketledger_events_total") == static_cast<double>(api.FeedLength()));
  // Requests by route pattern (never the path with its id), method and status.
  CHECK(
      Sample(
          metrics,
          R"(ticketledger_http_requests_total{route="/api/v1/tickets",method="POST",status="201"})") ==
      3);
  const std::string actions =
      R"(ticketledger_http_requests_total{route="/api/v1/tickets/{id:ticket}/actions",method="POST",)";
  CHECK(Sample(metrics, actions + R"(status="201"})") == 3);
  CHECK(Sample(metrics, actions + R"(status="422"})") == 1);
  CHECK(
      Sample(
          metrics,
          R"(ticketledger_http_request_duration_seconds_count{route="/api/v1/tickets/{id:ticket}/actions",method="POST"})") ==
      4);
  CHECK(Sample(metrics, "ticketledger_http_errors_total{code=\"" + refused_code + "\"}") == 1);
  CHECK(Sample(metrics, "ticketledger_projection_lag_events") == 0);
  // Every write that reached the ledger was timed: 5 reference PUTs, 6 writes, 1 refusal.
  CHECK(Sample(metrics, "ticketledger_append_duration_seconds_count") == 12);
  CHECK_THAT(metrics, Catch::Contains("# TYPE ticketledger_append_duration_seconds histogram"));
  // When the projections' families are there, their counts match the tickets opened. (Plain
  // scanning rather than <regex>: GCC 12's regex trips -Wmaybe-uninitialized under ASan.)
  std::istringstream lines(metrics);
  std::string line;
  double created = 0;
  bool has_created = false;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("ticketledger_tickets_created_total{", 0) == 0) {
      has_created = true;
      created += std::stod(line.substr(line.rfind(' ') + 1));
    }
    // Labels only name services, queues, categories and statuses: never a person or a ticket.
    const size_t open = line.find('{');
    if (open == std::string::npos) continue;
    const size_t close = line.rfind('}');  // route values hold braces: {id:ticket}
    REQUIRE(close != std::string::npos);
    std::string labels = line.substr(open + 1, close - open - 1);
    size_t at = 0;
    while (at < labels.size()) {
      const size_t eq = labels.find('=', at);
      REQUIRE(eq != std::string::npos);
      const std::string name = labels.substr(at, eq - at);
      INFO(line);
      CHECK((name == "service" || name == "queue" || name == "category" || name == "status" ||
             name == "le" || name == "route" || name == "method" || name == "code" ||
             name == "version" || name == "family"));
      const size_t end_quote = labels.find('"', eq + 2);
      REQUIRE(end_quote != std::string::npos);
      at = end_quote + 2;  // past `",`
    }
  }
  if (has_created) CHECK(created == 3);
  CHECK(metrics.find("olga") == std::string::npos);
}

TEST_CASE(
    "/metrics has the build, the process, the storage and the checkpoint's age, and bounds the "
    "labels of requests no route matches",
    "[server][metrics][loopback]") {
  Api api;
  api.OpenTicket();
  HttpClient anonymous(api.server.port());
  REQUIRE(anonymous.Get("/no/such/path/42").status == 404);
  REQUIRE(anonymous.Get("/api/v1/tickets/1").status == 401);
  // A method HTTP does not define must not become a label value of its own.
  REQUIRE(anonymous.Send("BREW", "/api/v1/tickets", "").status >= 400);
  // The server signs a checkpoint of a grown log within a second: wait for it to be there.
  std::string metrics = anonymous.Get("/metrics").body;
  for (int i = 0; i < 200 && Sample(metrics, "ticketledger_signed_checkpoint_age_seconds") < 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    metrics = anonymous.Get("/metrics").body;
  }
  INFO(metrics);

  CHECK(Sample(metrics,
               R"(ticketledger_http_requests_total{route="none",method="GET",status="404"})") == 1);
  CHECK(
      Sample(
          metrics,
          R"(ticketledger_http_requests_total{route="/api/v1/tickets/{id:ticket}",method="GET",status="401"})") ==
      1);
  CHECK_THAT(metrics, Catch::Contains(R"(method="other")"));
  CHECK_THAT(metrics, !Catch::Contains("BREW"));
  CHECK_THAT(metrics, !Catch::Contains("/no/such/path"));
  CHECK(Sample(metrics, R"(ticketledger_http_errors_total{code="unauthenticated"})") == 1);

  const size_t build = metrics.find("\nticketledger_build_info{version=\"");
  REQUIRE(build != std::string::npos);
  CHECK_THAT(metrics.substr(build, metrics.find('\n', build + 1) - build),
             !Catch::Contains("unknown") && Catch::EndsWith("\"} 1"));
  CHECK(Sample(metrics, "process_resident_memory_bytes") > 1e6);
  CHECK(Sample(metrics, "process_open_fds") > 3);
  CHECK(Sample(metrics, "process_cpu_seconds_total") >= 0);
  // The server started moments ago (the test's clock and the server's are the same machine's).
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(Sample(metrics, "process_start_time_seconds") <= now + 1);
  CHECK(Sample(metrics, "process_start_time_seconds") > now - 600);
  CHECK(Sample(metrics, R"(ticketledger_storage_table_bytes{family="events"})") >= 0);
  CHECK(Sample(metrics, "ticketledger_signed_checkpoint_age_seconds") >= 0);
  CHECK(Sample(metrics, "ticketledger_signed_checkpoint_age_seconds") < 3600);

  auto promtool = RunCommand({"/usr/bin/promtool", "check", "metrics"}, metrics);
  INFO(promtool.out << promtool.err);
  CHECK(promtool.exit_code == 0);
}
