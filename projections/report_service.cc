#include "projections/report_service.h"

#include <shared_mutex>

#include "projections/past_points.h"
#include "projections/projector.h"

namespace tl::projections {

ledger::Seq ReportService::applied_seq() const {
  std::shared_lock lock(projector_.mutex());
  return projector_.state().applied;
}

Result<std::shared_ptr<const Projections>> ReportService::At(const AsOf& point) const {
  if (!past_) return Status::BadField("as_of and known_at are not available here");
  return past_->At(point);
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
