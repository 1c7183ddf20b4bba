#include "server/report_bodies.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <type_traits>

#include "projections/projections.h"
#include "server/report_json.h"

namespace tl::server {

namespace {

// The reports that are lists of tickets and take docs/api.md's paging.
template <class Report>
constexpr bool kPaged = std::is_same_v<Report, projections::FollowupsReport> ||
                        std::is_same_v<Report, projections::FeedbackPendingReport>;

// One page of a ticket list report, in order of id as the ticket list's (docs/api.md "Paging");
// the `after` of the next page, or nullopt on the last.
template <class Report>
std::optional<ledger::TicketId> TakePage(Report& report, const projections::Page& page) {
  auto& tickets = report.tickets;
  std::sort(tickets.begin(), tickets.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  tickets.erase(tickets.begin(), std::upper_bound(tickets.begin(), tickets.end(), page.after,
                                                  [](ledger::TicketId after, const auto& t) {
                                                    return after < t.id;
                                                  }));
  if (!page.limit || tickets.size() <= *page.limit) return std::nullopt;
  tickets.resize(*page.limit);
  return tickets.back().id;
}

// A report's typed answer, as the API's JSON text.
template <class Report>
Result<SerializedReport> Serialize(const projections::ReportService& reports,
                                   const projections::ReportParams& params,
                                   const std::optional<projections::AsOf>& point) {
  // Read first: a body computed at a past point is cached until the live models move on (a time
  // point can gain events with every append), never longer.
  const ledger::Seq applied = reports.applied_seq();
  std::shared_ptr<const projections::Projections> past;
  if (point) {
    TL_ASSIGN_OR_RETURN(past, reports.At(*point));
  }
  TL_ASSIGN_OR_RETURN(projections::ReportAnswer<Report> answer,
                      (past ? past->reports() : reports).template Query<Report>(params));
  std::optional<ledger::TicketId> next;
  if constexpr (kPaged<Report>) {
    if (params.page.paged()) next = TakePage(answer.report, params.page);
  }
  boost::json::object body = ToJson(answer.report);
  if constexpr (kPaged<Report>) {
    if (params.page.paged()) body["next"] = next ? boost::json::value(next->value()) : nullptr;
  }
  if (point) AddPastPoint(body, *point);
  return SerializedReport{point ? applied : answer.seq, boost::json::serialize(body)};
}

}  // namespace

const std::vector<ReportEndpoint>& ReportEndpoints() {
  using namespace tl::projections;
  static const std::vector<ReportEndpoint> kEndpoints = {
      {"response-times",
       "/api/v1/reports/response-times",
       {{"from", "to", "service", "queue", "category", "group_by"}, {"service", "queue", "month"}},
       &Serialize<ResponseTimesReport>},
      {"volume",
       "/api/v1/reports/volume",
       {{"from", "to", "category", "group_by", "interval"}, {"service", "queue", "category"}},
       &Serialize<VolumeReport>},
      {"dashboard",
       "/api/v1/dashboard",
       {{"days", "queue", "now"}, {}},
       &Serialize<DashboardReport>},
      {"workload", "/api/v1/reports/workload", {{"queue", "now"}, {}}, &Serialize<WorkloadReport>},
      {"misroutes", "/api/v1/reports/misroutes", {{"from", "to"}, {}}, &Serialize<MisroutesReport>},
      {"satisfaction",
       "/api/v1/reports/satisfaction",
       {{"from", "to", "group_by"}, {"service", "queue"}},
       &Serialize<SatisfactionReport>},
      {"compliance",
       "/api/v1/reports/compliance",
       {{"from", "to", "group_by"}, {"service", "queue"}},
       &Serialize<ComplianceReport>},
      {"followups",
       "/api/v1/followups",
       {{"now", "limit", "after"}, {}},
       &Serialize<FollowupsReport>},
      {"feedback-pending",
       "/api/v1/feedback/pending",
       {{"now", "limit", "after"}, {}},
       &Serialize<FeedbackPendingReport>},
  };
  return kEndpoints;
}

const ReportEndpoint* FindReportEndpoint(std::string_view name) {
  for (const ReportEndpoint& e : ReportEndpoints()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

Result<std::shared_ptr<const std::string>> ReportBodies::Get(const ReportEndpoint& endpoint,
                                                             const QueryParams& query) {
  TL_ASSIGN_OR_RETURN(const std::optional<projections::AsOf> point, ParsePastPoint(query));
  TL_ASSIGN_OR_RETURN(const projections::ReportParams params,
                      ParseReportParams(endpoint.name, endpoint.spec, query));
  std::string key(endpoint.name);
  for (const auto& [k, v] : query) {
    if (v.empty()) continue;  // as absent
    key += fmt::format("\n{}\n{}", k, v);
  }
  const ledger::Seq applied = reports_.applied_seq();
  {
    std::lock_guard lock(mu_);
    if (cached_seq_ == applied) {
      auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
    }
  }
  TL_ASSIGN_OR_RETURN(SerializedReport answered, endpoint.answer(reports_, params, point));
  auto body = std::make_shared<const std::string>(std::move(answered.json));
  std::lock_guard lock(mu_);
  // An answer older than what is cached is served but not kept: a newer commit has been applied.
  if (answered.seq < cached_seq_) return body;
  if (answered.seq != cached_seq_ || cache_.size() >= kMaxCached) {
    cache_.clear();
    cached_seq_ = answered.seq;
  }
  cache_.emplace(std::move(key), body);
  return body;
}

}  // namespace tl::server
