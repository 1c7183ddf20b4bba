// Projector: folds the log into the read models, in seq order (docs/projections.md, "How the
// models are fed"). It owns the folded state, the ticket model (every ticket's state, the
// reference data, the latest occurred_at) and one instance of each registered model, and the
// reader-writer lock that guards it. Two ways in: CatchUp, which reads a stretch of the log on
// a second thread and folds it on this one, and Apply, the log's commit listener.
//
// Checkpoints (checkpointing.h) load into and encode from the state; the report service and
// the Projections facade read it. Everyone outside the projector takes mutex() first: shared
// to read, exclusive to replace state. Not copyable; owned by Projections (or by a background
// checkpoint, which builds one of its own).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ledger/domain/event.h"
#include "ledger/domain/ticket_state.h"
#include "ledger/store/event_log.h"
#include "projections/model_registry.h"
#include "projections/model_support.h"
#include "projections/names.h"
#include "projections/projections.h"
#include "projections/read_model.h"
#include "projections/rw_mutex.h"
#include "projections/ticket_index.h"

namespace tl::projections {

// The folded state. Fields are read and written under Projector::mutex().
struct FoldState {
  Names names;
  TicketIndex tickets;
  TicketGroups groups;  // each ticket's interned groups, derived from `tickets`
  std::shared_ptr<const ledger::ReferenceData> reference =
      std::make_shared<ledger::ReferenceData>();
  ledger::Seq applied{};  // the ticket model's seq; every model is here once caught up
  ledger::TimeNs latest_occurred = 0;
  std::vector<std::unique_ptr<ReadModel>> models;  // one per registry entry, in its order
  std::vector<ledger::Seq> model_seq;              // the last seq each model holds
};

class Projector {
 public:
  // Empty models, one of each in `registry` (which must outlive the projector). `options`
  // says where a catch-up stops, whether it checks the hash chain, and where progress goes.
  Projector(ledger::EventLog& log, const ModelRegistry& registry, const Options& options);
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  // The commit listener: folds a commit's events (in seq order, contiguous with the last
  // applied) under the exclusive lock. A gap stops applying for good (broken()).
  void Apply(const std::vector<ledger::Event>& events);

  // Folds the log from applied + 1 to `target` (or to the last event recorded at or before
  // options.to_time). Reads, checks and decodes on a second thread while this one folds; stops
  // early, with kUnavailable, when `*cancel` becomes true. Fail-stop on a damaged event.
  Status CatchUp(ledger::Seq target, const std::atomic<bool>* cancel);

  // Calls `due(applied)` from Apply (under the exclusive lock) each time `every` more events
  // have been applied since the last call; `due` must only signal (checkpointing.h). Set
  // before the projector is attached to the log.
  void SetCheckpointTrigger(uint64_t every, std::function<void(ledger::Seq)> due);

  RwMutex& mutex() const { return mu_; }
  FoldState& state() { return state_; }
  const FoldState& state() const { return state_; }
  const ModelRegistry& registry() const { return registry_; }
  // Why applying stopped; empty while healthy. Under the lock.
  const std::string& broken() const { return broken_; }

 private:
  template <class Events>
  void ApplyLocked(Events& events);
  void ApplyModels(const Change& change);
  template <class Slot, class Take>
  Status Read(ledger::Seq from, ledger::Seq target, Slot& slot, Take& take) const;
  Status FirstChainMismatch(ledger::Seq from, ledger::Seq to) const;

  ledger::EventLog& log_;
  const ModelRegistry& registry_;
  const Options options_;
  mutable RwMutex mu_;  // guards state_, before_, broken_, last_trigger_ (writers first)
  FoldState state_;
  ledger::TicketState before_;  // scratch for ApplyLocked, kept to reuse its buffers
  std::string broken_;
  uint64_t checkpoint_every_ = 0;
  std::function<void(ledger::Seq)> checkpoint_due_;
  ledger::Seq last_trigger_{};  // the applied seq of the last checkpoint_due_ call
};

}  // namespace tl::projections
