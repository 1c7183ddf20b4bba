// PastPoints: the read models as they stood at a point in the past (docs/api.md "Looking into the
// past"; docs/projections.md "Past points"), for reports and lists asked `as_of` or `known_at`.
//
// A past point's projections are folded from the log through the same projector as the live
// ones (from seq 1, or from a checkpoint at or before a seq point), keeping only the events up to
// the point (OptionsAt): `as_of=N` is the prefix to seq N, `known_at=t` the prefix of events
// recorded by t (recorded_at never decreases along the log), `as_of=t` a filter over the whole log
// (occurred_at does). The answer is what a ledger that held only those events would answer: the
// models see the same events in the same order.
//
// The most recent points are kept (an LRU of `capacity`), so that the pages of a list, or several
// reports, at one point fold the log once. A kept point is reused while it still holds: a seq
// point up to the head it was folded at, for good (the log is append-only); a time point only
// while the head has not moved (a later append may have occurred, or even been recorded, before
// the time). Folding happens under one lock: two requests for one new point fold once, and past
// points never fold more than one log at a time beside the live models.
//
// Thread-safety: At from any thread. Ownership: refers to `log`, which must outlive it.
#pragma once

#include <list>
#include <memory>
#include <mutex>

#include "ledger/domain/result.h"
#include "ledger/store/event_log.h"
#include "projections/model_registry.h"
#include "projections/projections.h"
#include "projections/report_types.h"

namespace tl::projections {

// The options that fold exactly the events up to `point`, not attached: from the latest
// checkpoint at or before a seq point, from seq 1 for a time point (a checkpoint may hold events
// past the time, and nothing can be taken out of a fold).
Options OptionsAt(const AsOf& point);

class PastPoints {
 public:
  PastPoints(ledger::EventLog& log, ModelRegistry registry, size_t capacity = 2)
      : log_(log), registry_(std::move(registry)), capacity_(capacity) {}
  PastPoints(const PastPoints&) = delete;
  PastPoints& operator=(const PastPoints&) = delete;

  // The projections as of `point`; kept, or folded now. The caller may hold the result as long
  // as it likes (it outlives its place in the cache).
  Result<std::shared_ptr<const Projections>> At(const AsOf& point);

  // How many points have been folded since construction (for tests and the bench).
  uint64_t folds() const;

 private:
  struct Kept {
    AsOf point;
    ledger::Seq head{};  // the log's head when it was folded
    std::shared_ptr<const Projections> projections;
  };

  ledger::EventLog& log_;
  const ModelRegistry registry_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<Kept> kept_;  // most recently used first; guarded by mu_
  uint64_t folds_ = 0;    // guarded by mu_
};

}  // namespace tl::projections
