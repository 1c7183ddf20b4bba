// Report parameters: one parser for the API and `replay --report`, driven by each report
// endpoint's spec (server/report_bodies.h); every bad value or unknown parameter is kBadField
// naming the parameter.
#include "server/report_params.h"

#include <catch2/catch.hpp>
#include <set>

#include "projections/support_volume.h"
#include "server/report_bodies.h"
#include "tests/support/desk.h"

using namespace tl::projections;
using tl::StatusCode;
using tl::server::QueryParams;
using tl::testing::At;

namespace {

tl::Result<ReportParams> ParseFor(std::string_view report, const QueryParams& q) {
  const tl::server::ReportEndpoint* endpoint = tl::server::FindReportEndpoint(report);
  REQUIRE(endpoint);
  return tl::server::ParseReportParams(endpoint->name, endpoint->spec, q);
}

ReportParams Parse(std::string_view report, const QueryParams& q) {
  auto p = ParseFor(report, q);
  INFO(p.status().ToString());
  REQUIRE(p.ok());
  return *p;
}

void CheckBad(std::string_view report, const QueryParams& q, const std::string& param) {
  auto p = ParseFor(report, q);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == StatusCode::kInvalidArgument);
  CHECK(p.status().reason() == "bad_field");
  CHECK_THAT(std::string(p.status().message()), Catch::StartsWith(param + ":"));
}

}  // namespace

TEST_CASE("every report of docs/api.md has an endpoint, and names are unique", "[server][params]") {
  for (const char* name : {"response-times", "volume", "dashboard", "workload", "misroutes",
                           "satisfaction", "compliance", "followups", "feedback-pending"}) {
    CHECK(tl::server::FindReportEndpoint(name));
  }
  CHECK_FALSE(tl::server::FindReportEndpoint("response_times"));
  CHECK(tl::server::FindReportEndpoint("feedback-pending")->path == "/api/v1/feedback/pending");
  std::set<std::string_view> names;
  for (const auto& e : tl::server::ReportEndpoints()) CHECK(names.insert(e.name).second);
}

TEST_CASE("defaults are docs/api.md's: support, by service, by month, 100 days, open windows",
          "[server][params]") {
  const ReportParams rt = Parse("response-times", {});
  CHECK(rt.category == tl::ledger::Category::kSupport);
  CHECK(rt.group_by == GroupBy::kService);
  CHECK(rt.window.from == std::numeric_limits<tl::ledger::TimeNs>::min());
  CHECK(rt.window.to == std::numeric_limits<tl::ledger::TimeNs>::max());
  const ReportParams volume = Parse("volume", {});
  CHECK(volume.interval == Interval::kMonth);
  CHECK(volume.category == tl::ledger::Category::kSupport);
  CHECK(Parse("dashboard", {}).days == 100);
  CHECK_FALSE(Parse("dashboard", {}).now);
  // Reports over every category have no category filter at all.
  CHECK_FALSE(Parse("satisfaction", {}).category);
  CHECK_FALSE(Parse("compliance", {}).category);
}

TEST_CASE("values parse: RFC 3339 with offsets, enums, all, days, and empty means absent",
          "[server][params]") {
  const ReportParams p = Parse("response-times", {{"from", "2026-01-05T10:00:00+01:00"},
                                                  {"to", "2026-02-01T00:00:00.5Z"},
                                                  {"category", "all"},
                                                  {"group_by", "month"},
                                                  {"service", "Eduroam"},
                                                  {"queue", ""}});
  CHECK(p.window.from == At("2026-01-05T09:00:00Z"));
  CHECK(p.window.to == At("2026-02-01T00:00:00.5Z"));
  CHECK_FALSE(p.category);
  CHECK(p.group_by == GroupBy::kMonth);
  CHECK(p.service == "Eduroam");
  CHECK_FALSE(p.queue);
  CHECK(Parse("volume", {{"category", "incident"}, {"interval", "week"}, {"group_by", "category"}})
            .category == tl::ledger::Category::kIncident);
  CHECK(Parse("dashboard", {{"days", "7"}, {"now", "2026-01-05T09:00:00Z"}}).days == 7);
}

TEST_CASE("bad values and unknown parameters are bad_field naming the parameter",
          "[server][params]") {
  CheckBad("response-times", {{"from", "yesterday"}}, "from");
  CheckBad("response-times", {{"to", "2026-13-01T00:00:00Z"}}, "to");
  CheckBad("response-times", {{"group_by", "category"}}, "group_by");
  CheckBad("response-times", {{"category", "Support"}}, "category");
  CheckBad("response-times", {{"interval", "week"}}, "interval");
  CheckBad("volume", {{"interval", "year"}}, "interval");
  CheckBad("volume", {{"group_by", "month"}}, "group_by");
  CheckBad("satisfaction", {{"group_by", "category"}}, "group_by");
  CheckBad("dashboard", {{"days", "ten"}}, "days");
  CheckBad("dashboard", {{"days", "0"}}, "days");
  CheckBad("dashboard", {{"days", "-5"}}, "days");
  CheckBad("dashboard", {{"days", "12x"}}, "days");
  CheckBad("dashboard", {{"days", "100001"}}, "days");
  CheckBad("dashboard", {{"now", "2026-01-05"}}, "now");
  CheckBad("workload", {{"owner", "carl"}}, "owner");
  CheckBad("followups", {{"from", "2026-01-05T00:00:00Z"}}, "from");
  CheckBad("response-times", {{"from", "2026-02-01T00:00:00Z"}, {"to", "2026-01-01T00:00:00Z"}},
           "from");
}

TEST_CASE("a report body names the bad parameter", "[server][params]") {
  tl::testing::Desk desk;
  tl::server::ReportBodies bodies(desk.projections().reports());
  auto bad = bodies.Get(*tl::server::FindReportEndpoint("volume"), {{"interval", "fortnight"}});
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(bad.status().message()), Catch::Contains("interval"));
  CHECK_THAT(std::string(bad.status().message()), Catch::Contains("fortnight"));
}

TEST_CASE("a report no model answers is not_found, not a crash", "[server][params]") {
  // A registry without the volume model: the typed query finds nothing to ask.
  tl::testing::TempDir dir;
  auto log = tl::testing::OpenLog(dir.str());
  auto p = Projections::Open(*log, ModelRegistry(), {}, false);
  REQUIRE(p.ok());
  auto answer = (*p)->reports().Query<VolumeReport>({});
  CHECK(answer.status().code() == StatusCode::kNotFound);
}

TEST_CASE("a past point is a seq, an occurred_at or a recorded_at time, never two",
          "[server][params][asof]") {
  using tl::server::ParsePastPoint;
  CHECK_FALSE(*ParsePastPoint({}));
  CHECK_FALSE(*ParsePastPoint({{"as_of", ""}}));  // empty: absent
  CHECK(*ParsePastPoint({{"as_of", "42"}}) == AsOf{AsOf::Kind::kSeq, tl::ledger::Seq{42}, 0});
  CHECK(*ParsePastPoint({{"as_of", "2026-01-05T09:00:00Z"}}) ==
        AsOf{AsOf::Kind::kOccurredAt, tl::ledger::Seq{}, At("2026-01-05T09:00:00Z")});
  CHECK(*ParsePastPoint({{"known_at", "2026-01-05T09:00:00Z"}}) ==
        AsOf{AsOf::Kind::kRecordedAt, tl::ledger::Seq{}, At("2026-01-05T09:00:00Z")});
  for (const QueryParams& bad :
       {QueryParams{{"as_of", "3"}, {"known_at", "2026-01-05T09:00:00Z"}},
        QueryParams{{"as_of", "yesterday"}}, QueryParams{{"known_at", "12"}},
        QueryParams{{"as_of", "-1"}}, QueryParams{{"as_of", "99999999999999999999999"}}}) {
    auto p = ParsePastPoint(bad);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().reason() == "bad_field");
  }
  // Every report takes them (ParsePastPoint reads them; the report's parser lets them through).
  for (const auto& e : tl::server::ReportEndpoints()) {
    CHECK(ParseFor(e.name, {{"as_of", "3"}}).ok());
    CHECK(ParseFor(e.name, {{"known_at", "2026-01-05T09:00:00Z"}}).ok());
  }
}

TEST_CASE("follow-ups and pending feedback take limit and after, capped as the ticket list's",
          "[server][params][asof]") {
  for (const char* report : {"followups", "feedback-pending"}) {
    CHECK_FALSE(Parse(report, {}).page.paged());
    const ReportParams p = Parse(report, {{"limit", "5"}, {"after", "17"}});
    CHECK(p.page.limit == 5u);
    CHECK(p.page.after == tl::ledger::TicketId{17});
    CHECK(Parse(report, {{"limit", "5000"}}).page.limit == 1000u);
    CheckBad(report, {{"limit", "0"}}, "limit");
    CheckBad(report, {{"limit", "x"}}, "limit");
    CheckBad(report, {{"after", "-3"}}, "after");
  }
  CheckBad("volume", {{"limit", "5"}}, "limit");
}
