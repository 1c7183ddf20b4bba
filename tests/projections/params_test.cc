// Report parameters: one parser for the server and the replay tool; every bad value or unknown
// parameter is kBadField naming the parameter.
#include <catch2/catch.hpp>

#include "projections/report_params.h"
#include "tests/projections/desk.h"

using namespace tl::projections;
using tl::StatusCode;
using tl::testing::At;

namespace {

ReportParams Parse(ReportKind kind, const QueryParams& q) {
  auto p = ParseReportParams(kind, q);
  INFO(p.status().ToString());
  REQUIRE(p.ok());
  return *p;
}

void CheckBad(ReportKind kind, const QueryParams& q, const std::string& param) {
  auto p = ParseReportParams(kind, q);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == StatusCode::kInvalidArgument);
  CHECK(p.status().reason() == "bad_field");
  CHECK_THAT(std::string(p.status().message()), Catch::StartsWith(param + ":"));
}

}  // namespace

TEST_CASE("report names map to their kinds and unknown ones to nothing", "[projections][params]") {
  CHECK(ParseReportKind("response-times") == ReportKind::kResponseTimes);
  CHECK(ParseReportKind("feedback-pending") == ReportKind::kFeedbackPending);
  CHECK(ParseReportKind("dashboard") == ReportKind::kDashboard);
  CHECK_FALSE(ParseReportKind("response_times"));
  for (const std::string& name : Projections::ReportNames()) CHECK(ParseReportKind(name));
}

TEST_CASE("defaults are API.md's: support, by service, by month, 100 days, open windows",
          "[projections][params]") {
  const ReportParams rt = Parse(ReportKind::kResponseTimes, {});
  CHECK(rt.category == tl::ledger::Category::kSupport);
  CHECK(rt.group_by == GroupBy::kService);
  CHECK(rt.window.from == std::numeric_limits<tl::ledger::TimeNs>::min());
  CHECK(rt.window.to == std::numeric_limits<tl::ledger::TimeNs>::max());
  const ReportParams volume = Parse(ReportKind::kVolume, {});
  CHECK(volume.interval == Interval::kMonth);
  CHECK(volume.category == tl::ledger::Category::kSupport);
  CHECK(Parse(ReportKind::kDashboard, {}).days == 100);
  CHECK_FALSE(Parse(ReportKind::kDashboard, {}).now);
  // Reports over every category have no category filter at all.
  CHECK_FALSE(Parse(ReportKind::kSatisfaction, {}).category);
  CHECK_FALSE(Parse(ReportKind::kCompliance, {}).category);
}

TEST_CASE("values parse: RFC 3339 with offsets, enums, all, days, and empty means absent",
          "[projections][params]") {
  const ReportParams p = Parse(ReportKind::kResponseTimes, {{"from", "2026-01-05T10:00:00+01:00"},
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
  CHECK(Parse(ReportKind::kVolume,
              {{"category", "incident"}, {"interval", "week"}, {"group_by", "category"}})
            .category == tl::ledger::Category::kIncident);
  CHECK(Parse(ReportKind::kDashboard, {{"days", "7"}, {"now", "2026-01-05T09:00:00Z"}}).days == 7);
}

TEST_CASE("bad values and unknown parameters are bad_field naming the parameter",
          "[projections][params]") {
  CheckBad(ReportKind::kResponseTimes, {{"from", "yesterday"}}, "from");
  CheckBad(ReportKind::kResponseTimes, {{"to", "2026-13-01T00:00:00Z"}}, "to");
  CheckBad(ReportKind::kResponseTimes, {{"group_by", "category"}}, "group_by");
  CheckBad(ReportKind::kResponseTimes, {{"category", "Support"}}, "category");
  CheckBad(ReportKind::kResponseTimes, {{"interval", "week"}}, "interval");
  CheckBad(ReportKind::kVolume, {{"interval", "year"}}, "interval");
  CheckBad(ReportKind::kVolume, {{"group_by", "month"}}, "group_by");
  CheckBad(ReportKind::kSatisfaction, {{"group_by", "category"}}, "group_by");
  CheckBad(ReportKind::kDashboard, {{"days", "ten"}}, "days");
  CheckBad(ReportKind::kDashboard, {{"days", "0"}}, "days");
  CheckBad(ReportKind::kDashboard, {{"days", "-5"}}, "days");
  CheckBad(ReportKind::kDashboard, {{"days", "12x"}}, "days");
  CheckBad(ReportKind::kDashboard, {{"days", "100001"}}, "days");
  CheckBad(ReportKind::kDashboard, {{"now", "2026-01-05"}}, "now");
  CheckBad(ReportKind::kWorkload, {{"owner", "carl"}}, "owner");
  CheckBad(ReportKind::kFollowups, {{"from", "2026-01-05T00:00:00Z"}}, "from");
  CheckBad(ReportKind::kResponseTimes,
           {{"from", "2026-02-01T00:00:00Z"}, {"to", "2026-01-01T00:00:00Z"}}, "from");
}

TEST_CASE("Report names the unknown report or parameter", "[projections][params]") {
  tl::testing::Desk desk;
  auto unknown = desk.projections().Report("volumes", {});
  CHECK(unknown.status().code() == StatusCode::kNotFound);
  auto bad = desk.projections().Report("volume", {{"interval", "fortnight"}});
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(bad.status().message()), Catch::Contains("interval"));
}
