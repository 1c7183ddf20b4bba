#include "projections/ticket_index.h"

#include <algorithm>
#include <type_traits>

#include "projections/period_cells.h"
#include "projections/state_before_event.h"
#include "projections/ticket_codec.h"

namespace tl::projections {

using namespace tl::ledger;

void TicketIndex::Apply(const Event& event, TicketState* before, bool* description_changed) {
  ApplyEvent(event, before, description_changed);
}

void TicketIndex::ApplyTakingText(Event& event, TicketState* before, bool* description_changed) {
  ApplyEvent(event, before, description_changed);
}

template <class Ev>
void TicketIndex::ApplyEvent(Ev& event, TicketState* before, bool* description_changed) {
  const TicketId id = event.stream.ticket;
  if (id.value() > tickets_.size()) tickets_.grow_to(id.value());
  TicketState& t = tickets_[id.value() - 1];
  *description_changed = CopyBeforeEvent(t, event, *before);
  if constexpr (std::is_const_v<Ev>) {
    ApplyToTicket(t, event);
  } else {
    ApplyToTicketTakingText(t, event);
  }
  if (indexes_deferred_) return;
  if (!before->exists()) {
    Index(t);
    return;
  }
  // Most events (replies, comments, feedback) change no indexed field; the others one or two.
  auto move = [id](auto& index, const auto& from, const auto& to) {
    if (from == to) return;
    index[from].Erase(id);
    index[to].Insert(id);
  };
  move(by_status_, before->status, t.status);
  move(by_queue_, before->queue, t.queue);
  move(by_service_, before->service, t.service);
  move(by_category_, before->category, t.category);
  if (before->owner != t.owner) {
    if (!before->owner.empty()) by_owner_[before->owner].Erase(id);
    if (!t.owner.empty()) by_owner_[t.owner].Insert(id);
  }
}

void TicketIndex::ResumeIndexes() {
  if (!indexes_deferred_) return;
  indexes_deferred_ = false;
  Reindex();
}

const std::vector<TicketId>& TicketIndex::CreatedOn(int64_t day) const {
  static const std::vector<TicketId> kNone;
  auto it = by_day_.find(day);
  return it == by_day_.end() ? kNone : it->second;
}

void TicketIndex::Encode(CheckpointWriter& out) const {
  out.PutVarint(tickets_.size());
  for (size_t i = 0; i < tickets_.size(); ++i) EncodeTicketState(out, tickets_[i]);
}

void TicketIndex::Decode(CheckpointReader& in) {
  const uint64_t n = in.GetCount();
  tickets_.clear();
  for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
    tickets_.push_back(DecodeTicketState(in));
    const TicketState& t = tickets_.back();
    if (t.exists() && t.id.value() != i + 1) in.Fail("ticket ids out of place");
  }
  Reindex();
}

const TicketState* TicketIndex::Find(TicketId id) const {
  if (id.is_zero() || id.value() > tickets_.size() || !tickets_[id.value() - 1].exists())
    return nullptr;
  return &tickets_[id.value() - 1];
}

void TicketIndex::Index(const TicketState& t) {
  auto add = [&](IdSet& set) { set.Insert(t.id); };
  add(by_status_[t.status]);
  add(by_queue_[t.queue]);
  add(by_service_[t.service]);
  if (!t.owner.empty()) add(by_owner_[t.owner]);
  add(by_category_[t.category]);
  by_day_[DayOf(t.created_at)].push_back(t.id);
}

void TicketIndex::Reindex() {
  by_status_.clear();
  by_queue_.clear();
  by_service_.clear();
  by_owner_.clear();
  by_category_.clear();
  by_day_.clear();
  for (size_t i = 0; i < tickets_.size(); ++i) {
    const TicketState& t = tickets_[i];
    if (!t.exists()) continue;
    Index(t);
  }
}

bool TicketIndex::Matches(const TicketState& t, const TicketFilter& f) const {
  if (!f.statuses.empty() &&
      std::find(f.statuses.begin(), f.statuses.end(), t.status) == f.statuses.end()) {
    return false;
  }
  if (f.queue && t.queue != *f.queue) return false;
  if (f.service && t.service != *f.service) return false;
  if (f.owner && t.owner != *f.owner) return false;
  if (f.category && t.category != *f.category) return false;
  if (f.also && !f.also(t)) return false;
  return true;
}

TicketPage TicketIndex::List(const TicketFilter& f) const {
  static const IdSet kEmpty;
  auto lookup = [](const auto& index, const auto& key) -> const IdSet& {
    auto it = index.find(key);
    return it == index.end() ? kEmpty : it->second;
  };
  // Candidates: the smallest id set among the filters given. Statuses are a union of sets and
  // are used only when they are the sole filter; the others are checked per ticket.
  std::vector<const IdSet*> sets;
  if (f.queue) sets.push_back(&lookup(by_queue_, *f.queue));
  if (f.service) sets.push_back(&lookup(by_service_, *f.service));
  if (f.owner) sets.push_back(&lookup(by_owner_, *f.owner));
  if (f.category) sets.push_back(&lookup(by_category_, *f.category));
  const IdSet* smallest = nullptr;
  for (const IdSet* s : sets) {
    if (!smallest || s->size() < smallest->size()) smallest = s;
  }

  TicketPage page;
  auto take = [&](TicketId id) {
    const TicketState& t = tickets_[id.value() - 1];
    if (!Matches(t, f)) return true;
    if (page.tickets.size() == f.limit) {
      page.next = page.tickets.back().id;
      return false;
    }
    page.tickets.push_back(t);
    return true;
  };

  if (smallest) {
    for (auto c = smallest->After(f.after); c.valid(); c.Next()) {
      if (!take(c.id())) break;
    }
  } else if (!f.statuses.empty()) {
    // Merge the status sets in id order.
    std::vector<IdSet::Cursor> cursors;
    for (TicketStatus s : f.statuses) cursors.push_back(lookup(by_status_, s).After(f.after));
    for (;;) {
      TicketId next{};
      for (const auto& c : cursors) {
        if (c.valid() && (next.is_zero() || c.id() < next)) next = c.id();
      }
      if (next.is_zero()) break;
      for (auto& c : cursors) {
        if (c.valid() && c.id() == next) c.Next();
      }
      if (!take(next)) break;
    }
  } else {
    for (TicketId id = f.after.Next(); id.value() <= tickets_.size(); ++id) {
      if (tickets_[id.value() - 1].exists() && !take(id)) break;
    }
  }
  return page;
}

}  // namespace tl::projections
