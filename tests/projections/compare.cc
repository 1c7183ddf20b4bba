#include "tests/projections/compare.h"

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "ledger/time_format.h"
#include "tests/support/fixtures.h"

namespace tl::testing {

using ledger::FormatRfc3339;
using ledger::TimeNs;

std::vector<std::pair<std::string, projections::QueryParams>> ReportGrid(TimeNs start) {
  const std::string from = FormatRfc3339(start + 3 * kDay + 5 * kHour + 7);
  const std::string to = FormatRfc3339(start + 20 * kDay + 7 * kHour);
  return {
      {"response-times", {}},
      {"response-times", {{"category", "all"}, {"group_by", "queue"}}},
      {"response-times", {{"group_by", "month"}, {"from", from}, {"to", to}}},
      {"response-times", {{"service", "Eduroam"}, {"category", "incident"}}},
      {"volume", {}},
      {"volume", {{"interval", "week"}, {"group_by", "queue"}, {"category", "all"}}},
      {"volume", {{"interval", "day"}, {"group_by", "category"}, {"from", from}, {"to", to}}},
      {"dashboard", {}},
      {"dashboard", {{"days", "7"}}},
      {"dashboard", {{"days", "30"}, {"queue", "campus-saker"}, {"now", to}}},
      {"workload", {}},
      {"workload", {{"queue", "Orakel"}, {"now", to}}},
      {"misroutes", {}},
      {"misroutes", {{"from", from}, {"to", to}}},
      {"satisfaction", {}},
      {"satisfaction", {{"group_by", "queue"}, {"from", from}}},
      {"compliance", {}},
      {"compliance", {{"group_by", "queue"}, {"from", from}, {"to", to}}},
      {"followups", {}},
      {"followups", {{"now", to}}},
      {"feedback-pending", {}},
  };
}

void CheckSameProjections(const projections::Projections& a, const projections::Projections& b,
                          TimeNs start) {
  REQUIRE(a.applied_seq() == b.applied_seq());
  CHECK(a.latest_occurred_at() == b.latest_occurred_at());
  CHECK(a.StateDigests() == b.StateDigests());
  for (const auto& [name, params] : ReportGrid(start)) {
    auto ra = a.Report(name, params);
    auto rb = b.Report(name, params);
    INFO(name << " " << params.size() << " parameters");
    REQUIRE(ra.ok());
    REQUIRE(rb.ok());
    CHECK(boost::json::serialize(*ra) == boost::json::serialize(*rb));
  }
  std::string ma, mb;
  a.WriteMetrics(&ma);
  b.WriteMetrics(&mb);
  CHECK(ma == mb);
  REQUIRE(a.ticket_count() == b.ticket_count());
  for (ledger::TicketId id = 1; id <= a.ticket_count(); ++id) {
    INFO("ticket " << id);
    CHECK(a.Ticket(id) == b.Ticket(id));
  }
}

}  // namespace tl::testing
