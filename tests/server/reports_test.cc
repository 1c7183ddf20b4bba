// Known answers for every report of docs/api.md on small hand-built histories: each history is
// written through the real command path (and, for imported history, raw appends) into a real
// log, each answer is worked out by hand in the comments, and each is checked as the API's JSON
// body (the projections' typed report, server/report_json.h, through the cache of
// server/report_bodies.h).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "ledger/domain/time_format.h"
#include "server/report_bodies.h"
#include "tests/support/desk.h"

using namespace tl::ledger;
using namespace tl::testing;
namespace json = boost::json;

namespace {

json::value Json(std::string_view text) { return json::parse(text); }

// Compares as JSON values (key order aside); prints both on failure.
void CheckJson(const json::object& actual, std::string_view expected) {
  INFO("actual:   " << json::serialize(actual));
  INFO("expected: " << expected);
  CHECK(json::value(actual) == Json(expected));
}

// The report bodies of a desk's projections, as the server answers them.
class Reports {
 public:
  explicit Reports(Desk& desk) : bodies_(desk.projections().reports()) {}

  // The body of report `name` (as `replay --report` names it) for `query`; REQUIREs success.
  json::object Get(std::string_view name, const tl::server::QueryParams& query = {}) {
    const tl::server::ReportEndpoint* endpoint = tl::server::FindReportEndpoint(name);
    REQUIRE(endpoint);
    auto body = bodies_.Get(*endpoint, query);
    INFO(body.status().ToString());
    REQUIRE(body.ok());
    return json::parse(**body).as_object();
  }

 private:
  tl::server::ReportBodies bodies_;
};

constexpr TimeNs T = kMonday;  // 2026-01-05T09:00:00Z

OpenTicket Ticket(std::string queue, std::string service, Category category = Category::kSupport,
                  std::string description = "login") {
  OpenTicket t = SupportTicket(std::move(queue), std::move(service));
  t.category = category;
  t.description = std::move(description);
  return t;
}

}  // namespace

TEST_CASE(
    "response times count the first reply, not the acknowledgement, and only new or open "
    "time before the latest resolution",
    "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  // t1: first reply after 10 min; 10 min new + 10 min open, stalled 2 h (not counted), 40 min
  // open: 60 min at the first resolution.
  const TicketId t1 = desk.Open(Ticket("Orakel", "Identitet_Feide"), T);
  desk.Act(t1, Reply{"looking"}, T + 10 * kMinute);
  desk.Act(t1, Stall{"logs", T + kDay}, T + 20 * kMinute);
  desk.Act(t1, Resume{}, T + 140 * kMinute);
  desk.Act(t1, Resolve{"reset"}, T + 3 * kHour);
  // t2: a team queue (no acknowledgement), never answered.
  desk.Open(Ticket("campus", "Eduroam"), T + kHour);
  // t3: an incident: first reply 30 min, resolution 60 min.
  const TicketId t3 =
      desk.Open(Ticket("Orakel", "Identitet_Feide", Category::kIncident), T + 2 * kHour);
  desk.Act(t3, Reply{"looking"}, T + 150 * kMinute);
  desk.Act(t3, Resolve{"fixed"}, T + 3 * kHour);
  // t4: acknowledged by first line, no reply yet: pending.
  const TicketId t4 = desk.Open(Ticket("Orakel", "Identitet_Feide"), T + 4 * kHour);
  REQUIRE(desk.projections().Ticket(t4)->acknowledged);

  CheckJson(reports.Get("response-times"), R"({"groups": [
    {"key": "Eduroam", "tickets": 1,
     "first_response": {"count": 0, "pending": 1, "p50_s": null, "p90_s": null, "p95_s": null,
                        "mean_s": null, "max_s": null},
     "resolution": {"count": 0, "p50_s": null, "p90_s": null, "p95_s": null, "mean_s": null,
                    "max_s": null}},
    {"key": "Identitet_Feide", "tickets": 2,
     "first_response": {"count": 1, "pending": 1, "p50_s": 600, "p90_s": 600, "p95_s": 600,
                        "mean_s": 600, "max_s": 600},
     "resolution": {"count": 1, "p50_s": 3600, "p90_s": 3600, "p95_s": 3600, "mean_s": 3600,
                    "max_s": 3600}}]})");

  // Reopened: t1 is not resolved now, so it leaves the resolution statistics; resolved again an
  // hour later, its 2 h after the reopen (resolved time not counted) add 60 more minutes.
  desk.Act(t1, Reopen{"still broken"}, T + 5 * kHour);
  auto reopened = reports.Get("response-times", {{"service", "Identitet_Feide"}});
  CHECK(reopened["groups"].as_array()[0].at("resolution").at("count") == 0);
  desk.Act(t1, Resolve{"really reset"}, T + 6 * kHour);

  CheckJson(reports.Get("response-times", {{"category", "all"}, {"service", "Identitet_Feide"}}),
            R"({"groups": [
    {"key": "Identitet_Feide", "tickets": 3,
     "first_response": {"count": 2, "pending": 1, "p50_s": 600, "p90_s": 1800, "p95_s": 1800,
                        "mean_s": 1200, "max_s": 1800},
     "resolution": {"count": 2, "p50_s": 3600, "p90_s": 7200, "p95_s": 7200, "mean_s": 5400,
                    "max_s": 7200}}]})");

  auto by_queue = reports.Get("response-times", {{"group_by", "queue"}});
  REQUIRE(by_queue["groups"].as_array().size() == 2);
  CHECK(by_queue["groups"].as_array()[0].at("key") == "Orakel");
  CHECK(by_queue["groups"].as_array()[0].at("tickets") == 2);
  CHECK(by_queue["groups"].as_array()[1].at("key") == "campus");
  auto by_month = reports.Get("response-times", {{"group_by", "month"}, {"queue", "Orakel"}});
  REQUIRE(by_month["groups"].as_array().size() == 1);
  CHECK(by_month["groups"].as_array()[0].at("key") == "2026-01");
  CHECK(by_month["groups"].as_array()[0].at("tickets") == 2);
  CheckJson(reports.Get("response-times", {{"service", "Nettverk"}}), R"({"groups": []})");
}

TEST_CASE("response-time percentiles are nearest-rank over months, days and partly covered days",
          "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  // Ticket i (1..20) answered after i minutes, created on scattered days from 2026-01-22 to
  // 2026-03-01 at 12:00, so the values sit in cells of three months.
  const TimeNs base = At("2026-01-20T12:00:00Z");
  std::vector<std::pair<TimeNs, int64_t>> created_and_minutes;
  for (int64_t i = 1; i <= 20; ++i) {
    const TimeNs created = base + ((i * 7) % 20 + 1) * 2 * kDay;
    const TicketId id = desk.Open(Ticket("campus", "Eduroam"), created);
    desk.Act(id, Reply{"answer"}, created + i * kMinute);
    created_and_minutes.emplace_back(created, i);
  }
  // All 20: rank(50) = 10, rank(90) = 18, rank(95) = 19; mean 10.5 min.
  CheckJson(reports.Get("response-times"), R"({"groups": [
    {"key": "Eduroam", "tickets": 20,
     "first_response": {"count": 20, "pending": 0, "p50_s": 600, "p90_s": 1080, "p95_s": 1140,
                        "mean_s": 630, "max_s": 1200},
     "resolution": {"count": 0, "p50_s": null, "p90_s": null, "p95_s": null, "mean_s": null,
                    "max_s": null}}]})");

  // Every window between two creation instants, shifted by an hour either way so that the
  // ends fall inside days: against the definition applied to the tickets one by one.
  std::vector<TimeNs> instants;
  for (const auto& [created, minutes] : created_and_minutes) {
    for (TimeNs shift : {-kHour, TimeNs{0}, kHour}) instants.push_back(created + shift);
  }
  for (TimeNs from : instants) {
    for (TimeNs to : instants) {
      if (from > to) continue;
      std::vector<int64_t> values;
      for (const auto& [created, minutes] : created_and_minutes) {
        if (created >= from && created < to) values.push_back(minutes * 60);
      }
      std::sort(values.begin(), values.end());
      auto report =
          reports.Get("response-times", {{"from", FormatRfc3339(from)}, {"to", FormatRfc3339(to)}});
      const auto& groups = report["groups"].as_array();
      INFO("from " << FormatRfc3339(from) << " to " << FormatRfc3339(to));
      if (values.empty()) {
        CHECK(groups.empty());
        continue;
      }
      REQUIRE(groups.size() == 1);
      const auto& fr = groups[0].at("first_response");
      const size_t n = values.size();
      auto nearest_rank = [&](size_t p) {
        return values[std::max<size_t>(1, (p * n + 99) / 100) - 1];
      };
      CHECK(fr.at("count") == n);
      CHECK(fr.at("p50_s") == nearest_rank(50));
      CHECK(fr.at("p90_s") == nearest_rank(90));
      CHECK(fr.at("p95_s") == nearest_rank(95));
      CHECK(fr.at("max_s") == values.back());
    }
  }
}

TEST_CASE("report windows are half-open on created_at", "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  const TimeNs from = At("2026-02-10T08:30:00Z"), to = At("2026-02-12T17:15:00Z");
  desk.Open(Ticket("campus", "Eduroam"), from - 1);  // out
  desk.Open(Ticket("campus", "Eduroam"), from);      // in
  desk.Open(Ticket("campus", "Eduroam"), to - 1);    // in
  desk.Open(Ticket("campus", "Eduroam"), to);        // out
  const json::object report = reports.Get(
      "volume", {{"from", FormatRfc3339(from)}, {"to", FormatRfc3339(to)}, {"interval", "day"}});
  CheckJson(report, R"({"groups": [{"key": "Eduroam", "total": 2,
    "by_interval": {"2026-02-10": 1, "2026-02-12": 1},
    "top_keywords": [{"keyword": "login", "count": 2}]}]})");
  const json::object rt =
      reports.Get("response-times", {{"from", FormatRfc3339(from)}, {"to", FormatRfc3339(to)}});
  CHECK(rt.at("groups").as_array()[0].at("tickets") == 2);
  // An empty window is not an error.
  CheckJson(reports.Get("volume", {{"from", FormatRfc3339(from)}, {"to", FormatRfc3339(from)}}),
            R"({"groups": []})");
}

TEST_CASE(
    "volume counts by day, ISO week and month across year ends, with keywords once per "
    "ticket",
    "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  // Thursday 2020-12-31 and Sunday 2021-01-03 are in ISO week 2020-W53; Monday 2021-01-04
  // starts 2021-W01.
  desk.Open(Ticket("Orakel", "Identitet_Feide", Category::kSupport, "Login, password reset; VPN"),
            At("2020-12-31T10:00:00Z"));
  desk.Open(Ticket("Orakel", "Identitet_Feide", Category::kSupport, "login;LOGIN, "),
            At("2021-01-03T23:59:59Z"));
  const TicketId t3 =
      desk.Open(Ticket("Orakel", "Identitet_Feide", Category::kSupport, "VPN, Ærlig"),
                At("2021-01-04T00:00:00Z"));
  desk.Open(Ticket("Orakel", "Identitet_Feide", Category::kSupport, "  ; ,"),
            At("2021-01-31T23:59:59.5Z"));
  desk.Open(Ticket("Orakel", "Identitet_Feide", Category::kSupport, "wifi"),
            At("2021-02-01T00:00:00Z"));
  desk.Open(Ticket("Orakel", "Eduroam", Category::kIncident, "wifi"), At("2021-02-01T00:00:00Z"));

  const char* keywords = R"([{"keyword": "login", "count": 2}, {"keyword": "vpn", "count": 2},
    {"keyword": "password reset", "count": 1}, {"keyword": "wifi", "count": 1},
    {"keyword": "ærlig", "count": 1}])";
  CheckJson(reports.Get("volume", {{"interval", "week"}}),
            std::string(R"({"groups": [{"key": "Identitet_Feide", "total": 5, "by_interval":
      {"2020-W53": 2, "2021-W01": 1, "2021-W04": 1, "2021-W05": 1}, "top_keywords": )") +
                keywords + "}]}");
  CheckJson(reports.Get("volume"),
            std::string(R"({"groups": [{"key": "Identitet_Feide", "total": 5, "by_interval":
      {"2020-12": 1, "2021-01": 3, "2021-02": 1}, "top_keywords": )") +
                keywords + "}]}");
  auto by_day = reports.Get("volume", {{"interval", "day"}});
  CheckJson(by_day["groups"].as_array()[0].at("by_interval").as_object(),
            R"({"2020-12-31": 1, "2021-01-03": 1, "2021-01-04": 1, "2021-01-31": 1,
                "2021-02-01": 1})");

  // A new description moves the ticket's keywords; a category change moves it between groups.
  desk.Act(t3,
           Update{std::nullopt, Category::kIncident, std::string("wifi, wifi; Wifi"), std::nullopt,
                  std::nullopt},
           At("2021-02-02T00:00:00Z"));
  CheckJson(reports.Get("volume", {{"category", "all"}, {"group_by", "category"}}),
            R"({"groups": [
      {"key": "incident", "total": 2, "by_interval": {"2021-01": 1, "2021-02": 1},
       "top_keywords": [{"keyword": "wifi", "count": 2}]},
      {"key": "support", "total": 4, "by_interval": {"2020-12": 1, "2021-01": 2, "2021-02": 1},
       "top_keywords": [{"keyword": "login", "count": 2}, {"keyword": "password reset", "count": 1},
                        {"keyword": "vpn", "count": 1}, {"keyword": "wifi", "count": 1}]}]})");
}

TEST_CASE("volume keeps the top ten keywords, ties in code-point order", "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  desk.Open(Ticket("campus", "Eduroam", Category::kSupport,
                   "k12, k11, k10, k09, k08, k07, k06, k05, k04, k03, k02, k01"),
            T);
  desk.Open(Ticket("campus", "Eduroam", Category::kSupport, "k12"), T);
  auto report = reports.Get("volume", {{"group_by", "queue"}});
  const auto& top = report["groups"].as_array()[0].at("top_keywords").as_array();
  REQUIRE(top.size() == 10);
  CHECK(top[0] == Json(R"({"keyword": "k12", "count": 2})"));
  CHECK(top[1] == Json(R"({"keyword": "k01", "count": 1})"));
  CHECK(top[9] == Json(R"({"keyword": "k09", "count": 1})"));
  CHECK(report["groups"].as_array()[0].at("key") == "campus");
}

TEST_CASE(
    "the dashboard counts open support tickets created in the last days up to now by service and "
    "ISO week",
    "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  desk.Open(Ticket("Orakel", "Identitet_Feide"), At("2026-02-19T12:00:00Z"));  // at now - days: out
  desk.Open(Ticket("Orakel", "Identitet_Feide"), At("2026-02-19T12:00:01Z"));  // Thu, 2026-W08
  desk.Open(Ticket("campus", "Eduroam"), At("2026-02-25T08:00:00Z"));          // 2026-W09
  const TicketId resolved = desk.Open(Ticket("campus", "Eduroam"), At("2026-02-25T09:00:00Z"));
  desk.Act(resolved, Resolve{"done"}, At("2026-02-25T10:00:00Z"));
  desk.Open(Ticket("campus", "Eduroam", Category::kIncident), At("2026-02-25T11:00:00Z"));
  const TicketId stalled =
      desk.Open(Ticket("campus", "Identitet_Feide"), At("2026-02-26T08:00:00Z"));
  desk.Act(stalled, Stall{"a screenshot", At("2026-03-02T08:00:00Z")}, At("2026-02-26T09:00:00Z"));
  desk.Open(Ticket("Orakel", "Identitet_Feide"), At("2026-03-01T12:00:00Z"));  // Sun = now: in
  desk.Open(Ticket("Orakel", "Identitet_Feide"), At("2026-03-01T12:00:01Z"));  // after now: out

  const std::string now = "2026-03-01T12:00:00Z";
  CheckJson(reports.Get("dashboard", {{"now", now}, {"days", "10"}}), R"({
    "now": "2026-03-01T12:00:00Z", "total": 4, "rows": [
      {"service": "Eduroam", "total": 1, "by_week": {"2026-W09": 1}},
      {"service": "Identitet_Feide", "total": 3, "by_week": {"2026-W08": 1, "2026-W09": 2}}]})");
  CheckJson(reports.Get("dashboard", {{"now", now}, {"days", "10"}, {"queue", "campus"}}), R"({
    "now": "2026-03-01T12:00:00Z", "total": 2, "rows": [
      {"service": "Eduroam", "total": 1, "by_week": {"2026-W09": 1}},
      {"service": "Identitet_Feide", "total": 1, "by_week": {"2026-W09": 1}}]})");
  // Defaults: 100 days up to the latest event's occurred_at (the ticket at 12:00:01).
  auto defaults = reports.Get("dashboard");
  CHECK(defaults["now"] == "2026-03-01T12:00:01Z");
  CHECK(defaults["total"] == 6);
}

TEST_CASE("workload counts open tickets of every category per queue and owner with the oldest",
          "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  const TicketId w1 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Act(w1, Assign{"carl"}, T + kMinute);
  const TicketId w4 = desk.Open(Ticket("Orakel", "Eduroam"), T + 30 * kMinute);
  desk.Act(w4, Assign{"olga"}, T + 31 * kMinute);
  const TicketId w2 = desk.Open(Ticket("campus", "Eduroam"), T + kHour);
  desk.Act(w2, Assign{"carl"}, T + 61 * kMinute);
  desk.Open(Ticket("campus", "Eduroam"), T + 2 * kHour);
  const TicketId w5 = desk.Open(Ticket("campus", "Eduroam"), T + 150 * kMinute);
  desk.Act(w5, Resolve{"done"}, T + 160 * kMinute);
  desk.Open(Ticket("campus", "Eduroam", Category::kIncident), T + 3 * kHour);

  CheckJson(reports.Get("workload", {{"now", "2026-01-05T14:00:00Z"}}), R"({
    "now": "2026-01-05T14:00:00Z", "groups": [
      {"queue": "Orakel", "owner": "olga", "open": 1, "oldest_created_at": "2026-01-05T09:30:00Z",
       "oldest_age_s": 16200},
      {"queue": "campus", "owner": null, "open": 2, "oldest_created_at": "2026-01-05T11:00:00Z",
       "oldest_age_s": 10800},
      {"queue": "campus", "owner": "carl", "open": 2, "oldest_created_at": "2026-01-05T09:00:00Z",
       "oldest_age_s": 18000}]})");
  // Unassigning moves the ticket to the unowned group; the default now is the latest event.
  desk.Act(w1, Unassign{}, T + 4 * kHour);
  CheckJson(reports.Get("workload", {{"queue", "campus"}}), R"({
    "now": "2026-01-05T13:00:00Z", "groups": [
      {"queue": "campus", "owner": null, "open": 3, "oldest_created_at": "2026-01-05T09:00:00Z",
       "oldest_age_s": 14400},
      {"queue": "campus", "owner": "carl", "open": 1, "oldest_created_at": "2026-01-05T10:00:00Z",
       "oldest_age_s": 10800}]})");
}

TEST_CASE(
    "misroutes count moves from a team queue back to first line per current service and "
    "source queue",
    "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  const TicketId m1 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Act(m1, Move{"Orakel", "not ours"}, T + kHour);  // misroute from campus
  desk.Act(m1, Move{"drift", ""}, T + 2 * kHour);
  desk.Act(m1, Move{"Orakel", "not ours either"}, T + 3 * kHour);  // misroute from drift
  const TicketId m2 = desk.Open(Ticket("Orakel", "Identitet_Feide"), T + kDay);
  desk.Act(m2, Move{"campus", ""}, T + kDay + kHour);      // first line to a team: routing
  desk.Act(m2, Move{"Orakel", ""}, T + kDay + 2 * kHour);  // misroute from campus
  const TicketId m3 = desk.Open(Ticket("Orakel", "Identitet_Feide"), T + kDay);
  desk.Act(m3, Move{"drift", ""}, T + kDay + kHour);

  CheckJson(reports.Get("misroutes"), R"({"groups": [
    {"service": "Eduroam", "from_queue": "campus", "count": 1},
    {"service": "Eduroam", "from_queue": "drift", "count": 1},
    {"service": "Identitet_Feide", "from_queue": "campus", "count": 1}]})");
  // The count follows the ticket's service.
  desk.Act(m2,
           Update{std::string("Eduroam"), std::nullopt, std::nullopt, std::nullopt, std::nullopt},
           T + kDay + 3 * kHour);
  CheckJson(reports.Get("misroutes"), R"({"groups": [
    {"service": "Eduroam", "from_queue": "campus", "count": 2},
    {"service": "Eduroam", "from_queue": "drift", "count": 1}]})");
  CheckJson(reports.Get("misroutes", {{"from", FormatRfc3339(T + kDay)}}), R"({"groups": [
    {"service": "Eduroam", "from_queue": "campus", "count": 1}]})");
}

TEST_CASE(
    "satisfaction counts feedback, invitations and those within 2 h of the latest "
    "resolution",
    "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  const TicketId s1 = desk.Open(Ticket("Orakel", "Identitet_Feide"), T);
  desk.Act(s1, Resolve{"done"}, T + kHour);
  desk.Act(s1, InviteFeedback{}, T + 2 * kHour);  // 1 h after: within
  desk.Act(s1, GiveFeedback{4, "good"}, T + 3 * kHour);
  const TicketId s2 = desk.Open(Ticket("campus", "Identitet_Feide"), T);
  desk.Act(s2, Resolve{"done"}, T + kHour);
  desk.Act(s2, InviteFeedback{}, T + 210 * kMinute);  // 2.5 h after: late
  desk.Act(s2, GiveFeedback{5, ""}, T + 4 * kHour);
  const TicketId s3 = desk.Open(Ticket("campus", "Eduroam", Category::kOrder), T);
  desk.Act(s3, Resolve{"done"}, T + kHour);
  desk.Act(s3, InviteFeedback{}, T + 3 * kHour);  // exactly 2 h after: within
  desk.Act(s3, Reopen{""}, T + 4 * kHour);
  desk.Act(s3, Resolve{"done"}, T + 5 * kHour);
  desk.Act(s3, InviteFeedback{}, T + 8 * kHour);  // 3 h after the latest resolution: late
  desk.Open(Ticket("Orakel", "Eduroam"), T);

  CheckJson(reports.Get("satisfaction"), R"({"groups": [
    {"key": "Eduroam", "feedback": 0, "mean_score": null, "invited": 2, "invited_within_2h": 1,
     "invited_within_2h_share": 0.5},
    {"key": "Identitet_Feide", "feedback": 2, "mean_score": 4.5, "invited": 2,
     "invited_within_2h": 1, "invited_within_2h_share": 0.5}]})");
  auto by_queue = reports.Get("satisfaction", {{"group_by", "queue"}});
  CheckJson(by_queue,
            json::serialize(json::object{
                {"groups", json::array{json::object{{"key", "Orakel"},
                                                    {"feedback", 1},
                                                    {"mean_score", 4},
                                                    {"invited", 1},
                                                    {"invited_within_2h", 1},
                                                    {"invited_within_2h_share", 1}},
                                       json::object{{"key", "campus"},
                                                    {"feedback", 1},
                                                    {"mean_score", 5},
                                                    {"invited", 3},
                                                    {"invited_within_2h", 1},
                                                    {"invited_within_2h_share", 1.0 / 3}}}}}));
}

TEST_CASE(
    "compliance counts resolutions, stalls, assignments and invitations that kept the "
    "rules, with imported history that did not",
    "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  // c1 follows the process.
  const TicketId c1 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Act(c1, Assign{"carl"}, T + 10 * kMinute);
  desk.Act(c1, Stall{"logs", T + kDay}, T + 20 * kMinute);
  desk.Act(c1, Resume{}, T + 30 * kMinute);
  desk.Act(c1, Resolve{"fixed"}, T + kHour);
  desk.Act(c1, InviteFeedback{}, T + 90 * kMinute);
  // c2 is imported history that broke every rule.
  const TicketId c2 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Imported(c2, Assigned{"zed"}, T + 10 * kMinute);
  desk.Imported(c2, Stalled{"something", 0}, T + 20 * kMinute);
  desk.Imported(c2, Resolved{""}, T + kHour);
  desk.Imported(c2, FeedbackInvited{}, T + 4 * kHour);
  // c3: dina was a member of drift when assigned; membership changes later do not rewrite that.
  const TicketId c3 = desk.Open(Ticket("drift", "Identitet_Feide"), T);
  desk.Act(c3, Assign{"dina"}, T + kMinute);
  desk.DefineQueue("drift", {"dag"});
  desk.Imported(c3, Assigned{"dina"}, T + 2 * kMinute);  // no longer a member
  desk.Imported(c3, Resolved{" \t"}, T + 2 * kHour);     // a blank solution

  const char* eduroam = R"({"resolved": 2, "resolved_with_solution": 1, "stalls": 2,
    "stalls_with_follow_up": 1, "assignments": 2, "assignments_in_queue": 1, "invited": 2,
    "invited_within_2h": 1})";
  const char* feide = R"({"resolved": 1, "resolved_with_solution": 0, "stalls": 0,
    "stalls_with_follow_up": 0, "assignments": 2, "assignments_in_queue": 1, "invited": 0,
    "invited_within_2h": 0})";
  auto with_key = [](const char* counts, const char* key) {
    return std::string(R"({"key": ")") + key + "\", " + (counts + 1);
  };
  CheckJson(reports.Get("compliance"), "{\"groups\": [" + with_key(eduroam, "Eduroam") + ", " +
                                           with_key(feide, "Identitet_Feide") + "]}");
  CheckJson(
      reports.Get("compliance", {{"group_by", "queue"}}),
      "{\"groups\": [" + with_key(eduroam, "campus") + ", " + with_key(feide, "drift") + "]}");
  // c1's counts follow it to another service.
  desk.Act(c1,
           Update{std::string("Identitet_Feide"), std::nullopt, std::nullopt, std::nullopt,
                  std::nullopt},
           T + 5 * kHour);
  auto moved = reports.Get("compliance");
  CheckJson(moved["groups"].as_array()[0].as_object(), R"({"key": "Eduroam", "resolved": 1,
    "resolved_with_solution": 0, "stalls": 1, "stalls_with_follow_up": 0, "assignments": 1,
    "assignments_in_queue": 0, "invited": 1, "invited_within_2h": 0})");
  CheckJson(moved["groups"].as_array()[1].as_object(), R"({"key": "Identitet_Feide",
    "resolved": 2, "resolved_with_solution": 1, "stalls": 1, "stalls_with_follow_up": 1,
    "assignments": 3, "assignments_in_queue": 2, "invited": 1, "invited_within_2h": 1})");
}

TEST_CASE("follow-ups list stalled tickets whose follow-up time is before now",
          "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  const TicketId f1 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Act(f1, Assign{"cora"}, T);
  desk.Act(f1, Stall{"the logs", T + kDay}, T + kMinute);
  const TicketId f2 = desk.Open(Ticket("Orakel", "Eduroam"), T);
  desk.Act(f2, Stall{"a screenshot", T + 2 * kDay}, T + kMinute);
  const TicketId f3 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Act(f3, Stall{"nothing", T + kHour}, T + kMinute);
  desk.Act(f3, Resume{}, T + 2 * kMinute);
  const TicketId f4 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Imported(f4, Stalled{"who knows", 0}, T + kMinute);

  CheckJson(reports.Get("followups", {{"now", "2026-01-06T09:00:00Z"}}),
            R"({"now": "2026-01-06T09:00:00Z", "tickets": []})");
  CheckJson(reports.Get("followups", {{"now", "2026-01-06T09:00:00.001Z"}}), R"({
    "now": "2026-01-06T09:00:00.001Z", "tickets": [
      {"id": 1, "queue": "campus", "owner": "cora", "awaiting": "the logs",
       "follow_up_at": "2026-01-06T09:00:00Z"}]})");
  auto later = reports.Get("followups", {{"now", "2026-01-10T00:00:00Z"}});
  const auto& tickets = later["tickets"].as_array();
  REQUIRE(tickets.size() == 2);
  CHECK(tickets[0].at("id") == f1.value());
  CHECK(tickets[1].at("id") == f2.value());
  CHECK(tickets[1].at("owner").is_null());
}

TEST_CASE("pending feedback lists resolved tickets not invited since their latest resolution",
          "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  const TicketId p1 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Act(p1, Resolve{"done"}, T + kHour);
  const TicketId p2 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Act(p2, Resolve{"done"}, T + 2 * kHour);
  desk.Act(p2, InviteFeedback{}, T + 150 * kMinute);
  const TicketId p3 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Act(p3, Resolve{"done"}, T + 30 * kMinute);
  desk.Act(p3, Reopen{""}, T + 40 * kMinute);
  const TicketId p4 = desk.Open(Ticket("campus", "Eduroam"), T);
  desk.Act(p4, Resolve{"done"}, T + 3 * kHour);
  // Invited after its first resolution, p2 is pending again after its second.
  desk.Act(p2, Reopen{""}, T + 4 * kHour);
  desk.Act(p2, Resolve{"done"}, T + 5 * kHour);

  CheckJson(reports.Get("feedback-pending", {{"now", "2026-01-05T13:00:00Z"}}), R"({
    "now": "2026-01-05T13:00:00Z", "tickets": [
      {"id": 1, "resolved_at": "2026-01-05T10:00:00Z", "due_at": "2026-01-05T12:00:00Z",
       "overdue": true},
      {"id": 4, "resolved_at": "2026-01-05T12:00:00Z", "due_at": "2026-01-05T14:00:00Z",
       "overdue": false},
      {"id": 2, "resolved_at": "2026-01-05T14:00:00Z", "due_at": "2026-01-05T16:00:00Z",
       "overdue": false}]})");
  CHECK(p1 == TicketId{1});
  CHECK(p4 == TicketId{4});
  CHECK(p3 == TicketId{3});
}

TEST_CASE("a report answers from its cache until the next commit changes it", "[server][reports]") {
  Desk desk;
  Reports reports(desk);
  desk.Open(Ticket("campus", "Eduroam"), T);
  const auto first = reports.Get("volume");
  CHECK(reports.Get("volume") == first);
  desk.Open(Ticket("campus", "Eduroam"), T + kMinute);
  CHECK(reports.Get("volume")["groups"].as_array()[0].at("total") == 2);
}

TEST_CASE("report bodies are kept as text until the next commit, per report and parameters",
          "[server][reports]") {
  Desk desk;
  tl::server::ReportBodies bodies(desk.projections().reports());
  const tl::server::ReportEndpoint& volume = *tl::server::FindReportEndpoint("volume");
  desk.Open(Ticket("campus", "Eduroam"), T);
  auto first = bodies.Get(volume, {});
  auto again = bodies.Get(volume, {{"category", ""}});  // an empty value is no parameter
  REQUIRE(first.ok());
  REQUIRE(again.ok());
  CHECK(first->get() == again->get());  // the same text, not a copy
  auto weekly = bodies.Get(volume, {{"interval", "week"}});
  REQUIRE(weekly.ok());
  CHECK(weekly->get() != first->get());
  desk.Open(Ticket("campus", "Eduroam"), T + kMinute);
  auto later = bodies.Get(volume, {});
  REQUIRE(later.ok());
  CHECK(later->get() != first->get());
  CHECK(**later != **first);
  // A bad parameter is refused before the cache is looked at.
  CHECK(bodies.Get(volume, {{"interval", "fortnight"}}).status().reason() == "bad_field");
}
