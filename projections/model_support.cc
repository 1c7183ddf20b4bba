#include "projections/model_support.h"

#include "ledger/domain/time_format.h"
#include "projections/period_cells.h"

namespace tl::projections {

bool InvitedWithinDue(const ledger::TicketState& before, ledger::TimeNs invited_at) {
  if (!before.last_resolved_at) return false;  // imported history may invite before resolving
  const ledger::TimeNs after = invited_at - *before.last_resolved_at;
  return after >= 0 && after <= kFeedbackDue;
}

GroupKey GroupOf(Names& names, const ledger::TicketState& t, GroupFields fields) {
  GroupKey key;
  key.service = names.Intern(t.service);
  if (fields.queue) key.queue = names.Intern(t.queue);
  if (fields.category) key.category = t.category;
  return key;
}

namespace {
constexpr NameId kUnknown = ~NameId{0};
}  // namespace

std::pair<TicketGroups::Interned, TicketGroups::Interned> TicketGroups::Update(
    Names& names, ledger::TicketId id, const ledger::TicketState& before,
    const ledger::TicketState& after) {
  if (id.value() > groups_.size())
    groups_.resize(id.value(), Interned{GroupKey{kUnknown, 0, {}}, 0});
  Interned& kept = groups_[id.value() - 1];
  // A ticket that does not exist yet has the group of an empty state and no owner.
  Interned was{};
  if (before.exists()) {
    was = kept.group.service != kUnknown
              ? kept
              : Interned{GroupOf(names, before), names.Intern(before.owner)};
  }
  // Only what changed is interned again (a move changes the queue alone): interning whole
  // groups and owners was still 4 % of the fold (perf).
  const bool existed = before.exists();
  auto intern = [&](const std::string& name) { return name.empty() ? 0 : names.Intern(name); };
  Interned is = was;
  if (!existed || before.service != after.service) is.group.service = intern(after.service);
  if (!existed || before.queue != after.queue) is.group.queue = intern(after.queue);
  is.group.category = after.category;
  if (!existed || before.owner != after.owner) is.owner = intern(after.owner);
  kept = is;
  return {was, is};
}

NameFilter::NameFilter(const Names& names, const std::optional<std::string>& wanted)
    : active_(wanted.has_value()), wanted_(wanted) {
  if (wanted) id_ = names.Find(*wanted);
}

std::string GroupName(GroupBy group_by, const GroupKey& key, const Names& names,
                      int64_t first_day) {
  switch (group_by) {
    case GroupBy::kService:
      return names.Get(key.service);
    case GroupBy::kQueue:
      return names.Get(key.queue);
    case GroupBy::kCategory:
      return std::string(ledger::CategoryName(key.category));
    case GroupBy::kMonth:
      return ledger::MonthKey(StartOfDay(first_day));
  }
  return {};
}

std::string GroupName(GroupBy group_by, const ledger::TicketState& t) {
  switch (group_by) {
    case GroupBy::kService:
      return t.service;
    case GroupBy::kQueue:
      return t.queue;
    case GroupBy::kCategory:
      return std::string(ledger::CategoryName(t.category));
    case GroupBy::kMonth:
      return ledger::MonthKey(t.created_at);
  }
  return {};
}

}  // namespace tl::projections
