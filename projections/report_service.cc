#include "projections/report_service.h"

#include <shared_mutex>

#include "projections/past_points.h"
#include "projections/projector.h"
#include "projections/ticket_texts.h"

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

Status ReportService::AddTexts(FollowupsReport& report) const {
  for (FollowupsReport::Ticket& t : report.tickets) {
    ledger::TicketState state;  // what TicketTextsOf needs of it
    state.id = t.id;
    state.version = t.version;
    state.erased = t.erased;
    TL_ASSIGN_OR_RETURN(ledger::TicketTexts texts, TicketTextsOf(log_, state));
    t.awaiting = std::move(texts.awaiting);
  }
  return Status::Ok();
}

}  // namespace tl::projections
