#include "projections/report_service.h"

#include <shared_mutex>

#include "projections/projector.h"

namespace tl::projections {

ledger::Seq ReportService::applied_seq() const {
  std::shared_lock lock(projector_.mutex());
  return projector_.state().applied;
}

Status ReportService::Run(std::type_index report, const ReportParams& params, void* out,
                          ledger::Seq* seq) const {
  const std::optional<size_t> index = registry_.IndexOfReport(report);
  if (!index) return Status::NotFound("no read model answers this report");
  std::shared_lock lock(projector_.mutex());
  const FoldState& s = projector_.state();
  const ReportScope scope{s.tickets, params.now.value_or(s.latest_occurred)};
  registry_.entries()[*index].query(*s.models[*index], params, scope, out);
  *seq = s.applied;
  return Status::Ok();
}

}  // namespace tl::projections
