// TicketIndex: every ticket's current state, with secondary indexes for the list filters of
// GET /api/v1/tickets (status, queue, service, owner, category), so that a filtered page is
// read from the smallest matching id set instead of a scan of every ticket.
//
// Ticket ids are dense (1, 2, 3, ... without gaps), so states live in an array indexed by id.
// A second index lists the tickets created on each UTC day, for the reports' partly covered
// days (period_cells.h). This is the ticket model of docs/projections.md; its checkpoint holds
// the states, and the indexes are rebuilt from them.
// Not thread-safe: the owner (Projections) serialises writers against readers.
#pragma once

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "projections/checkpoint_codec.h"
#include "projections/chunked_vector.h"
#include "projections/id_set.h"
#include "projections/projections.h"

namespace tl::projections {

class TicketIndex {
 public:
  // Folds one ticket event into its ticket; `*before` becomes the state before the event
  // (version 0 when the event opens the ticket) without its free text, as Change::before
  // describes, and `*description_changed` says whether the event may change the description
  // (then `before` holds the old one).
  void Apply(const ledger::Event& event, TicketState* before, bool* description_changed);
  // The same, moving the event's free text into the state (ledger::ApplyToTicketTakingText).
  void ApplyTakingText(ledger::Event& event, TicketState* before, bool* description_changed);

  // While deferred, Apply keeps the states and lets the list indexes (and CreatedOn) go stale;
  // ResumeIndexes rebuilds them from the states. For a catch-up that nobody queries before it
  // ends: rebuilding once per ticket is cheaper than moving ids between the indexes at every
  // event (a tenth of a full replay's fold).
  void DeferIndexes() { indexes_deferred_ = true; }
  void ResumeIndexes();

  const TicketState* Find(TicketId id) const;
  TicketPage List(const TicketFilter& filter) const;
  size_t size() const { return tickets_.size(); }

  // The tickets created on `day` (days since the epoch, UTC), in id order.
  const std::vector<TicketId>& CreatedOn(int64_t day) const;

  void Encode(CheckpointWriter& out) const;
  // Replaces every state with the checkpoint's and rebuilds the indexes.
  void Decode(CheckpointReader& in);

 private:
  template <class Ev>
  void ApplyEvent(Ev& event, TicketState* before, bool* description_changed);
  // Adds `t` to every list index and to the list of its creation day.
  void Index(const TicketState& t);
  bool Matches(const TicketState& t, const TicketFilter& f) const;
  void Reindex();

  // tickets_[id - 1]. Chunked, not a vector: it grows a chunk at a time instead of doubling
  // (a vector's spare capacity was 160 bytes per ticket on a 200 k-ticket history) and never
  // moves the states it holds.
  // A chunk fills one huge page (chunk_memory.h).
  ChunkedVector<TicketState, kHugePageBytes / sizeof(TicketState)> tickets_;
  std::map<ledger::TicketStatus, IdSet> by_status_;
  std::unordered_map<std::string, IdSet> by_queue_, by_service_, by_owner_;
  std::map<ledger::Category, IdSet> by_category_;
  std::unordered_map<int64_t, std::vector<TicketId>> by_day_;
  bool indexes_deferred_ = false;
};

}  // namespace tl::projections
