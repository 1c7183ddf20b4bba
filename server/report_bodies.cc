#include "server/report_bodies.h"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "server/report_json.h"

namespace tl::server {

namespace {

// A report's typed answer, as the API's JSON text.
template <class Report>
Result<SerializedReport> Serialize(const projections::ReportService& reports,
                                   const projections::ReportParams& params) {
  TL_ASSIGN_OR_RETURN(const projections::ReportAnswer<Report> answer,
                      reports.Query<Report>(params));
  return SerializedReport{answer.seq, boost::json::serialize(ToJson(answer.report))};
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
      {"followups", "/api/v1/followups", {{"now"}, {}}, &Serialize<FollowupsReport>},
      {"feedback-pending",
       "/api/v1/feedback/pending",
       {{"now"}, {}},
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
  TL_ASSIGN_OR_RETURN(SerializedReport answered, endpoint.answer(reports_, params));
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
