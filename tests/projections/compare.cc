#include "tests/projections/compare.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "ledger/domain/time_format.h"
#include "projections/compliance.h"
#include "projections/dashboard.h"
#include "projections/feedback_pending.h"
#include "projections/followups.h"
#include "projections/misroutes.h"
#include "projections/response_times.h"
#include "projections/satisfaction.h"
#include "projections/support_volume.h"
#include "projections/workload.h"
#include "tests/support/fixtures.h"

namespace tl::testing {

using ledger::FormatRfc3339;
using ledger::TimeNs;

namespace {

using ledger::Category;
using projections::GroupBy;
using projections::Interval;
using projections::ReportParams;

template <class Report>
void CheckSameReport(const projections::Projections& a, const projections::Projections& b,
                     const ReportParams& params, const char* what) {
  auto ra = a.reports().Query<Report>(params);
  auto rb = b.reports().Query<Report>(params);
  INFO(what);
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  CHECK(ra->report == rb->report);
}

// Every report, with and without windows (whose ends fall inside days) and the other
// parameters; the category filter defaults to support where docs/api.md says so.
void CheckSameReports(const projections::Projections& a, const projections::Projections& b,
                      TimeNs start) {
  using namespace tl::projections;
  const TimeNs from = start + 3 * kDay + 5 * kHour + 7;
  const TimeNs to = start + 20 * kDay + 7 * kHour;
  auto params = [](auto&& edit) {
    ReportParams p;
    edit(p);
    return p;
  };
  const ReportParams support = params([](ReportParams& p) { p.category = Category::kSupport; });
  CheckSameReport<ResponseTimesReport>(a, b, support, "response times");
  CheckSameReport<ResponseTimesReport>(
      a, b, params([](ReportParams& p) { p.group_by = GroupBy::kQueue; }),
      "response times, all categories, by queue");
  CheckSameReport<ResponseTimesReport>(a, b, params([&](ReportParams& p) {
                                         p = support;
                                         p.group_by = GroupBy::kMonth;
                                         p.window = {from, to};
                                       }),
                                       "response times by month in a window");
  CheckSameReport<ResponseTimesReport>(a, b, params([](ReportParams& p) {
                                         p.service = "Eduroam";
                                         p.category = Category::kIncident;
                                       }),
                                       "response times of one service's incidents");
  CheckSameReport<VolumeReport>(a, b, support, "volume");
  CheckSameReport<VolumeReport>(a, b, params([](ReportParams& p) {
                                  p.interval = Interval::kWeek;
                                  p.group_by = GroupBy::kQueue;
                                }),
                                "volume by week and queue, all categories");
  CheckSameReport<VolumeReport>(a, b, params([&](ReportParams& p) {
                                  p = support;
                                  p.interval = Interval::kDay;
                                  p.group_by = GroupBy::kCategory;
                                  p.window = {from, to};
                                }),
                                "volume by day and category in a window");
  CheckSameReport<DashboardReport>(a, b, {}, "dashboard");
  CheckSameReport<DashboardReport>(a, b, params([](ReportParams& p) { p.days = 7; }),
                                   "dashboard, 7 days");
  CheckSameReport<DashboardReport>(a, b, params([&](ReportParams& p) {
                                     p.days = 30;
                                     p.queue = "campus-saker";
                                     p.now = to;
                                   }),
                                   "dashboard of a queue at a time");
  CheckSameReport<WorkloadReport>(a, b, {}, "workload");
  CheckSameReport<WorkloadReport>(a, b, params([&](ReportParams& p) {
                                    p.queue = "Orakel";
                                    p.now = to;
                                  }),
                                  "workload of a queue at a time");
  CheckSameReport<MisroutesReport>(a, b, {}, "misroutes");
  CheckSameReport<MisroutesReport>(a, b, params([&](ReportParams& p) {
                                     p.window = {from, to};
                                   }),
                                   "misroutes in a window");
  CheckSameReport<SatisfactionReport>(a, b, {}, "satisfaction");
  CheckSameReport<SatisfactionReport>(a, b, params([&](ReportParams& p) {
                                        p.group_by = GroupBy::kQueue;
                                        p.window.from = from;
                                      }),
                                      "satisfaction by queue from a time");
  CheckSameReport<ComplianceReport>(a, b, {}, "compliance");
  CheckSameReport<ComplianceReport>(a, b, params([&](ReportParams& p) {
                                      p.group_by = GroupBy::kQueue;
                                      p.window = {from, to};
                                    }),
                                    "compliance by queue in a window");
  CheckSameReport<FollowupsReport>(a, b, {}, "followups");
  CheckSameReport<FollowupsReport>(a, b, params([&](ReportParams& p) { p.now = to; }),
                                   "followups at a time");
  CheckSameReport<FeedbackPendingReport>(a, b, {}, "feedback pending");
}

// Every list filter of GET /api/v1/tickets with each value some ticket has, one at a time and
// combined with a status.
std::vector<projections::TicketFilter> ListFilters(const projections::Projections& p) {
  using ledger::TicketStatus;
  std::set<std::string> queues, services, owners;
  for (ledger::TicketId id{1}; id.value() <= p.ticket_count(); ++id) {
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
  for (ledger::TicketId id{1}; id.value() <= p.ticket_count(); ++id) {
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
  CheckSameReports(a, b, start);
  std::string ma, mb;
  a.WriteMetrics(&ma);
  b.WriteMetrics(&mb);
  CHECK(ma == mb);
  REQUIRE(a.ticket_count() == b.ticket_count());
  for (ledger::TicketId id{1}; id.value() <= a.ticket_count(); ++id) {
    INFO("ticket " << id);
    const auto ta = a.Ticket(id), tb = b.Ticket(id);
    CHECK(ta == tb);
    if (ta && tb) {
      // The texts the read models do not keep, read from each one's log as of its state.
      auto texts_a = a.TextsOf(*ta), texts_b = b.TextsOf(*tb);
      REQUIRE(texts_a.ok());
      REQUIRE(texts_b.ok());
      CHECK(*texts_a == *texts_b);
    }
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
