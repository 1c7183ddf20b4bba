#include "projections/past_points.h"

namespace tl::projections {

using namespace tl::ledger;

Options OptionsAt(const AsOf& point) {
  Options options;
  options.use_checkpoints = false;
  options.checkpoint_every = 0;
  switch (point.kind) {
    case AsOf::Kind::kSeq:
      // A checkpoint at or before the seq holds exactly the events up to its own seq, so the
      // fold may start from it (one is used only if it is not beyond to_seq).
      options.use_checkpoints = true;
      options.to_seq = point.seq;
      break;
    case AsOf::Kind::kRecordedAt:
      options.to_time = point.time;
      break;
    case AsOf::Kind::kOccurredAt:
      options.occurred_by = point.time;
      break;
  }
  return options;
}

Result<std::shared_ptr<const Projections>> PastPoints::At(const AsOf& point) {
  std::lock_guard lock(mu_);
  const Seq head = log_.Head().seq;
  for (auto it = kept_.begin(); it != kept_.end(); ++it) {
    if (it->point != point) continue;
    const bool holds =
        it->head == head || (point.kind == AsOf::Kind::kSeq && point.seq <= it->head);
    if (!holds) {
      kept_.erase(it);
      break;
    }
    kept_.splice(kept_.begin(), kept_, it);
    return kept_.front().projections;
  }
  // The head is read before the fold, which reads at least that far: a kept time point never
  // claims more than it folded.
  TL_ASSIGN_OR_RETURN(std::unique_ptr<Projections> folded,
                      Projections::Open(log_, registry_, OptionsAt(point), /*attach=*/false));
  ++folds_;
  std::shared_ptr<const Projections> shared = std::move(folded);
  kept_.push_front({point, head, shared});
  while (kept_.size() > capacity_) kept_.pop_back();
  return shared;
}

uint64_t PastPoints::folds() const {
  std::lock_guard lock(mu_);
  return folds_;
}

}  // namespace tl::projections
