// The report endpoints (docs/api.md "Reports") and their bodies.
//
// ReportEndpoints() is the table of the reports the API serves: the report's name, its path,
// the parameters it takes, and how its typed answer (projections::ReportService) becomes the
// API's JSON (report_json.h). The route table routes each path (api_routes.cc) and
// `ticketledger replay --report NAME` looks reports up by name, so both answer alike.
//
// ReportBodies answers an endpoint's query with that JSON text, cached per (report, parameters)
// until the next applied commit: repeated queries between two commits are neither computed nor
// serialized again. A query `as_of` or `known_at` a past point is answered by the projections at
// that point (ReportService::At), through the same models and JSON, with the point echoed.
// Thread-safety: Get from any thread. Ownership: refers to the report service, which must outlive
// it.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger/domain/result.h"
#include "projections/report_service.h"
#include "server/http_message.h"
#include "server/report_params.h"

namespace tl::server {

// A report's body as of one applied seq.
struct SerializedReport {
  ledger::Seq seq{};
  std::string json;
};

struct ReportEndpoint {
  std::string_view name;  // "response-times": what `replay --report` takes
  std::string_view path;  // "/api/v1/reports/response-times"
  ReportSpec spec;        // the query parameters it takes
  // Queries the report (as of `point`, when given) and serializes the answer (Serialize<R> in
  // report_bodies.cc).
  Result<SerializedReport> (*answer)(const projections::ReportService& reports,
                                     const projections::ReportParams& params,
                                     const std::optional<projections::AsOf>& point);
};

// docs/api.md's report endpoints, in the order of its report section. The one list of them.
const std::vector<ReportEndpoint>& ReportEndpoints();
// The endpoint of report `name`; null if there is none.
const ReportEndpoint* FindReportEndpoint(std::string_view name);

class ReportBodies {
 public:
  explicit ReportBodies(const projections::ReportService& reports) : reports_(reports) {}
  ReportBodies(const ReportBodies&) = delete;
  ReportBodies& operator=(const ReportBodies&) = delete;

  // The body `GET endpoint.path?query` answers, as of the latest applied seq or the query's past
  // point. A bad or unknown parameter is kBadField naming it.
  Result<std::shared_ptr<const std::string>> Get(const ReportEndpoint& endpoint,
                                                 const QueryParams& query);

 private:
  // More distinct queries than this between two commits start the cache over.
  static constexpr size_t kMaxCached = 256;

  const projections::ReportService& reports_;
  std::mutex mu_;
  ledger::Seq cached_seq_{};  // the seq every cached body is at; guarded by mu_
  std::unordered_map<std::string, std::shared_ptr<const std::string>> cache_;  // by mu_
};

}  // namespace tl::server
