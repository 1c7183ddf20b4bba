#include "tests/projections/compare.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <set>

#include "ledger/domain/time_format.h"
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

namespace {

// Every list filter of GET /api/v1/tickets with each value some ticket has, one at a time and
// combined with a status.
std::vector<projections::TicketFilter> ListFilters(const projections::Projections& p) {
  using ledger::TicketStatus;
  std::set<std::string> queues, services, owners;
  for (ledger::TicketId id = 1; id <= p.ticket_count(); ++id) {
    const auto t = p.Ticket(id);
    if (!t) continue;
    queues.insert(t->queue);
    services.insert(t->service);
    if (!t->owner.empty()) owners.insert(t->owner);
  }
  std::vector<projections::TicketFilter> filters(1);
  for (auto s :
       {TicketStatus::kNew, TicketStatus::kOpen, TicketStatus::kStalled, TicketStatus::kResolved}) {
    filters.emplace_back().statuses = {s};
  }
  for (const auto& q : queues) {
    filters.emplace_back().queue = q;
    filters.emplace_back().queue = q;
    filters.back().statuses = {TicketStatus::kOpen, TicketStatus::kStalled};
  }
  for (const auto& s : services) filters.emplace_back().service = s;
  for (const auto& o : owners) filters.emplace_back().owner = o;
  for (int c = 0; c <= static_cast<int>(ledger::Category::kChange); ++c) {
    filters.emplace_back().category = static_cast<ledger::Category>(c);
  }
  for (auto& f : filters) f.limit = p.ticket_count() + 1;
  return filters;
}

std::vector<ledger::TicketId> Ids(const projections::TicketPage& page) {
  std::vector<ledger::TicketId> ids;
  for (const auto& t : page.tickets) ids.push_back(t.id);
  return ids;
}

// The ids a filter selects, by looking at every ticket (what the list indexes must give).
std::vector<ledger::TicketId> ScannedIds(const projections::Projections& p,
                                         const projections::TicketFilter& f) {
  std::vector<ledger::TicketId> ids;
  for (ledger::TicketId id = 1; id <= p.ticket_count(); ++id) {
    const auto t = p.Ticket(id);
    if (!t) continue;
    if (!f.statuses.empty() &&
        std::find(f.statuses.begin(), f.statuses.end(), t->status) == f.statuses.end()) {
      continue;
    }
    if ((f.queue && t->queue != *f.queue) || (f.service && t->service != *f.service) ||
        (f.owner && t->owner != *f.owner) || (f.category && t->category != *f.category)) {
      continue;
    }
    ids.push_back(id);
  }
  return ids;
}

}  // namespace

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
  for (const auto& filter : ListFilters(a)) {
    INFO("list filter: queue " << filter.queue.value_or("-") << ", service "
                               << filter.service.value_or("-") << ", owner "
                               << filter.owner.value_or("-") << ", " << filter.statuses.size()
                               << " statuses");
    const auto ids = Ids(a.ListTickets(filter));
    CHECK(ids == Ids(b.ListTickets(filter)));
    CHECK(ids == ScannedIds(a, filter));
  }
}

}  // namespace tl::testing
