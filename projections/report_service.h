// ReportService: answers typed report queries from the read models (docs/projections.md,
// "Reports"). Query<R>() finds the registered model whose report type is R (ModelRegistry),
// takes the projections' read lock, and runs the model's query with the latest applied
// event's occurred_at as "now" unless the parameters name one. The answer carries the seq it
// was computed at, so a caller may cache what it derives from it until the next commit.
//
// At(point) gives the projections as they stood at a past point (past_points.h), whose own
// reports() answer as of that point.
//
// The models keep no personal texts (ticket_texts.h): a report that shows one (the follow-ups'
// `awaiting`) gets it from the log after the models answered, outside their lock.
//
// Made by Projections, which owns it; valid while the Projections lives. Thread-safety: any
// number of queries run concurrently with each other and with the commit listener's applies.
#pragma once

#include <memory>
#include <typeindex>
#include <typeinfo>

#include "ledger/domain/result.h"
#include "ledger/store/event_log.h"
#include "projections/followups.h"
#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

class Projector;
class Projections;
class PastPoints;

class ReportService {
 public:
  // `past` may be null: then there are no past points (At is kBadField).
  ReportService(const ledger::EventLog& log, const Projector& projector,
                const ModelRegistry& registry, PastPoints* past)
      : log_(log), projector_(projector), registry_(registry), past_(past) {}
  ReportService(const ReportService&) = delete;
  ReportService& operator=(const ReportService&) = delete;

  // Report R as of the latest applied seq. kNotFound if no registered model answers R.
  template <class R>
  Result<ReportAnswer<R>> Query(const ReportParams& params) const {
    ReportAnswer<R> answer;
    TL_RETURN_IF_ERROR(Run(typeid(R), params, &answer.report, &answer.seq));
    TL_RETURN_IF_ERROR(AddTexts(answer.report));
    return answer;
  }

  // The latest applied seq: what a cached answer at another seq is stale against.
  ledger::Seq applied_seq() const;

  // The projections as of `point` (docs/api.md "Looking into the past"): folded from the log,
  // or kept from a recent request (past_points.h). Expensive the first time: a replay.
  Result<std::shared_ptr<const Projections>> At(const AsOf& point) const;

 private:
  // The type-erased half of Query: `*out` is an R, written by the model registered for R.
  Status Run(std::type_index report, const ReportParams& params, void* out, ledger::Seq* seq) const;

  // Fills in the texts a report shows from the log; most show none.
  template <class R>
  Status AddTexts(R&) const {
    return Status::Ok();
  }
  Status AddTexts(FollowupsReport& report) const;

  const ledger::EventLog& log_;
  const Projector& projector_;
  const ModelRegistry& registry_;
  PastPoints* const past_;
};

}  // namespace tl::projections
