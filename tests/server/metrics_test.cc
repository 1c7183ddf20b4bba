// /metrics: Prometheus text format 0.0.4 that promtool accepts, with counts that match what
// happened, and no ticket ids or people in labels.
#include <sstream>

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
  REQUIRE(olga.Post("/api/v1/tickets/1/actions", json::object{{"type", "resolve"}}).status == 422);
  HttpClient anonymous(api.server.port());
  const std::string metrics = anonymous.Get("/metrics").body;

  auto promtool = RunCommand({"/usr/bin/promtool", "check", "metrics"}, metrics);
  INFO(metrics);
  INFO(promtool.out << promtool.err);
  CHECK(promtool.exit_code == 0);

  CHECK(Sample(metrics, "ticketledger_events_total") == static_cast<double>(api.FeedLength()));
  CHECK(Sample(metrics, "ticketledger_http_requests_total{status=\"201\"}") == 6);
  CHECK(Sample(metrics, "ticketledger_http_requests_total{status=\"422\"}") == 1);
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
    const size_t close = line.find('}', open);
    REQUIRE(close != std::string::npos);
    std::string labels = line.substr(open + 1, close - open - 1);
    size_t at = 0;
    while (at < labels.size()) {
      const size_t eq = labels.find('=', at);
      REQUIRE(eq != std::string::npos);
      const std::string name = labels.substr(at, eq - at);
      INFO(line);
      CHECK((name == "service" || name == "queue" || name == "category" || name == "status" ||
             name == "le"));
      const size_t end_quote = labels.find('"', eq + 2);
      REQUIRE(end_quote != std::string::npos);
      at = end_quote + 2;  // past `",`
    }
  }
  if (has_created) CHECK(created == 3);
  CHECK(metrics.find("olga") == std::string::npos);
}
