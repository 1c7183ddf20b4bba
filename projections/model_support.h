// Small pieces the read models share: how a ticket maps to its group, the report filters
// resolved against interned names, and the 2-hour feedback rule.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "ledger/domain/ticket_state.h"
#include "projections/names.h"
#include "projections/read_model.h"
#include "projections/report_types.h"

namespace tl::projections {

// The feedback invitation is due at most two hours after the answer (docs/domain.md).
constexpr ledger::TimeNs kFeedbackDue = 2 * 3600 * ledger::kNanosPerSecond;

// Whether an invitation at `invited_at` came within 2 h of the ticket's latest resolution
// before it (`before` is the ticket just before the invitation).
bool InvitedWithinDue(const ledger::TicketState& before, ledger::TimeNs invited_at);

// A ticket's group: its current service and, if asked, queue and category (the fields left out
// stay at GroupKey's defaults, so models that do not split by them keep fewer cells).
struct GroupFields {
  bool queue = true;
  bool category = true;
};
GroupKey GroupOf(Names& names, const ledger::TicketState& t, GroupFields fields = {});
// A full group key reduced to `fields`: equal to GroupOf with those fields.
inline GroupKey Narrow(GroupKey key, GroupFields fields = {}) {
  if (!fields.queue) key.queue = 0;
  if (!fields.category) key.category = ledger::Category::kSupport;
  return key;
}

// Each ticket's full group (service, queue, category) and owner, interned, kept from one of its
// events to the next: most events change none of them, and interning the state before and after
// every event was a seventh of the fold (callgrind; the owner, interned by the workload model,
// later another 3 %, perf). Derived data: cleared when the ticket states are replaced, refilled
// as events come.
class TicketGroups {
 public:
  struct Interned {
    GroupKey group;
    NameId owner = 0;  // "" (unowned) is 0
  };
  // The groups and owners of `before` and `after` for an event of ticket `id`.
  std::pair<Interned, Interned> Update(Names& names, ledger::TicketId id,
                                       const ledger::TicketState& before,
                                       const ledger::TicketState& after);
  void Clear() { groups_.clear(); }

 private:
  std::deque<Interned> groups_;  // groups_[id - 1]; group.service kUnknown = not yet computed
};

// A service or queue filter of a report, resolved to an interned id. A name never seen matches
// nothing.
class NameFilter {
 public:
  NameFilter(const Names& names, const std::optional<std::string>& wanted);
  bool Matches(NameId id) const { return !active_ || (id_ && *id_ == id); }
  bool Matches(const std::string& name) const { return !active_ || name == *wanted_; }

 private:
  bool active_;
  std::optional<NameId> id_;
  std::optional<std::string> wanted_;
};

// The key of a report group: the service's or queue's name, the category's, or the month of
// `first_day` (days since the epoch) for group_by=month.
std::string GroupName(GroupBy group_by, const GroupKey& key, const Names& names, int64_t first_day);
// The same for one ticket (a partly covered day's tickets are folded one by one).
std::string GroupName(GroupBy group_by, const ledger::TicketState& t);

}  // namespace tl::projections
