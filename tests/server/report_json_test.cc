// The reports' JSON, piece by piece: numbers as the contract writes them (an integer when
// whole, never 3.6E3), null for the statistics of an empty set and for an unowned ticket, and
// the keys in the contract's order. Whole reports are checked in reports_test.cc.
#include "server/report_json.h"

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "tests/support/fixtures.h"

using namespace tl::server;
using namespace tl::projections;
namespace json = boost::json;
using tl::testing::kMonday;

TEST_CASE("durations are seconds, whole ones as integers", "[server][reports][json]") {
  constexpr int64_t kS = tl::ledger::kNanosPerSecond;
  CHECK(json::serialize(NanosAsSecondsJson(3600 * kS)) == "3600");
  CHECK(json::serialize(NanosAsSecondsJson(kS / 2)) == "5E-1");
  CHECK(json::serialize(NumberJson(3600.0)) == "3600");
  CHECK(json::serialize(NumberJson(4.5)) == "4.5E0");
  CHECK(json::serialize(NumberJson(1e16)) == "1E16");  // beyond 2^53: left a double
}

TEST_CASE("statistics of an empty set are null, `pending` only where counted",
          "[server][reports][json]") {
  CHECK(json::serialize(DurationStatsJson(DurationStats{})) ==
        R"({"count":0,"p50_s":null,"p90_s":null,"p95_s":null,"mean_s":null,"max_s":null})");
  DurationStats s;
  s.count = 2;
  s.pending = 1;
  s.p50_ns = s.p90_ns = s.p95_ns = 600 * tl::ledger::kNanosPerSecond;
  s.mean_s = 900;
  s.max_ns = 1200 * tl::ledger::kNanosPerSecond;
  CHECK(json::serialize(DurationStatsJson(s)) ==
        R"({"count":2,"pending":1,"p50_s":600,"p90_s":600,"p95_s":600,"mean_s":900,"max_s":1200})");
}

TEST_CASE("reports keep the contract's keys, order, times and nulls", "[server][reports][json]") {
  FollowupsReport followups{
      kMonday, {{tl::ledger::TicketId{7}, "drift", std::nullopt, "logs", kMonday - 1}}};
  CHECK(json::serialize(ToJson(followups)) ==
        R"({"now":"2026-01-05T09:00:00Z","tickets":[{"id":7,"queue":"drift","owner":null,)"
        R"("awaiting":"logs","follow_up_at":"2026-01-05T08:59:59.999999999Z"}]})");
  SatisfactionReport satisfaction{{{"Eduroam", 0, std::nullopt, 2, 1, 0.5}}};
  CHECK(json::serialize(ToJson(satisfaction)) ==
        R"({"groups":[{"key":"Eduroam","feedback":0,"mean_score":null,"invited":2,)"
        R"("invited_within_2h":1,"invited_within_2h_share":5E-1}]})");
  WorkloadReport workload{kMonday,
                          {{"drift", "dina", 3, kMonday - 90 * tl::ledger::kNanosPerSecond,
                            90 * tl::ledger::kNanosPerSecond}}};
  CHECK(json::serialize(ToJson(workload)) ==
        R"({"now":"2026-01-05T09:00:00Z","groups":[{"queue":"drift","owner":"dina","open":3,)"
        R"("oldest_created_at":"2026-01-05T08:58:30Z","oldest_age_s":90}]})");
  CHECK(json::serialize(ToJson(ComplianceReport{})) == R"({"groups":[]})");
}
