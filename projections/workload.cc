#include "projections/workload.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "projections/model_support.h"
#include "projections/read_model.h"

namespace tl::projections {

namespace {

class Workload : public ReadModel {
 public:
  explicit Workload(Names& names) : names_(names) {}
  std::string_view name() const override { return "workload"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  using Report = WorkloadReport;
  Report Query(const ReportParams& params, const ReportScope& scope) const;

 private:
  using Group = std::pair<NameId, NameId>;  // (queue, owner); owner 0 = "" = unowned
  // By created_at, then id. A sorted vector, not a std::set: a group holds the open tickets of
  // one queue and owner, tens to hundreds, and a search over contiguous memory costs a cache
  // line or two where each level of a tree was a miss (perf: the sets were an eighth of the
  // fold). A group of n tickets costs O(n) moves per change, tolerable into the tens of
  // thousands.
  using Tickets = std::vector<std::pair<ledger::TimeNs, ledger::TicketId>>;
  // `queue` and `owner` are the ticket's, interned (from the change).
  void Update(const ledger::TicketState& t, NameId queue, NameId owner, int sign);

  struct GroupHash {
    size_t operator()(const Group& g) const {
      return std::hash<uint64_t>()(uint64_t{g.first} << 32 | g.second);
    }
  };

  Names& names_;
  // Hashed: every change of a ticket's queue, owner or openness looks its groups up (an ordered
  // map's search was a third of this model's replay cost); outputs sort by name anyway.
  std::unordered_map<Group, Tickets, GroupHash> groups_;
};

using ledger::TicketState;

void Workload::Update(const TicketState& t, NameId queue, NameId owner, int sign) {
  const Group group{queue, owner};
  const std::pair<ledger::TimeNs, ledger::TicketId> entry{t.created_at, t.id};
  if (sign > 0) {
    Tickets& tickets = groups_[group];
    auto at = std::lower_bound(tickets.begin(), tickets.end(), entry);
    if (at == tickets.end() || *at != entry) tickets.insert(at, entry);
    return;
  }
  auto it = groups_.find(group);
  if (it == groups_.end()) return;
  Tickets& tickets = it->second;
  auto at = std::lower_bound(tickets.begin(), tickets.end(), entry);
  if (at != tickets.end() && *at == entry) tickets.erase(at);
  if (tickets.empty()) groups_.erase(it);
}

void Workload::Apply(const Change& change) {
  if (!change.after) return;
  const TicketState& before = *change.before;
  const TicketState& after = *change.after;
  const bool was = before.is_open(), is = after.is_open();
  if (was && is && change.before_group.queue == change.after_group.queue &&
      change.before_owner == change.after_owner) {
    return;
  }
  if (was) Update(before, change.before_group.queue, change.before_owner, -1);
  if (is) Update(after, change.after_group.queue, change.after_owner, +1);
}

namespace {

// Groups in the order of their names; the unowned ("") first within a queue.
template <typename Map>
std::vector<typename Map::const_iterator> ByName(const Map& groups, const Names& names) {
  std::vector<typename Map::const_iterator> sorted;
  for (auto it = groups.begin(); it != groups.end(); ++it) sorted.push_back(it);
  std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
    return std::tie(names.Get(a->first.first), names.Get(a->first.second)) <
           std::tie(names.Get(b->first.first), names.Get(b->first.second));
  });
  return sorted;
}

}  // namespace

void Workload::Encode(CheckpointWriter& out) const {
  const auto sorted = ByName(groups_, names_);
  out.PutVarint(sorted.size());
  for (const auto& it : sorted) {
    out.PutString(names_.Get(it->first.first));
    out.PutString(names_.Get(it->first.second));
    out.PutVarint(it->second.size());
    for (const auto& [created_at, id] : it->second) {
      out.PutSigned(created_at);
      out.PutVarint(id.value());
    }
  }
}

void Workload::Decode(CheckpointReader& in) {
  const uint64_t n = in.GetCount();
  for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
    const NameId queue = names_.Intern(in.GetString());
    const NameId owner = names_.Intern(in.GetString());
    Tickets& tickets = groups_[{queue, owner}];
    const uint64_t count = in.GetCount();
    if (count == 0) in.Fail("empty workload group");
    for (uint64_t j = 0; j < count && in.status().ok(); ++j) {
      const ledger::TimeNs created_at = in.GetSigned();
      tickets.emplace_back(created_at, in.GetVarint());
    }
    // Encode writes each group in order, once each: anything else is a damaged checkpoint.
    if (std::adjacent_find(tickets.begin(), tickets.end(), std::greater_equal<>()) !=
        tickets.end()) {
      in.Fail("workload tickets out of order");
    }
  }
}

WorkloadReport Workload::Query(const ReportParams& p, const ReportScope& scope) const {
  const NameFilter queue(names_, p.queue);
  WorkloadReport out{scope.now, {}};
  for (const auto& it : ByName(groups_, names_)) {
    if (!queue.Matches(it->first.first)) continue;
    const ledger::TimeNs oldest = it->second.begin()->first;
    const std::string& owner = names_.Get(it->first.second);
    out.groups.push_back({names_.Get(it->first.first),
                          owner.empty() ? std::nullopt : std::optional<std::string>(owner),
                          it->second.size(), oldest,
                          // A `now` before the oldest ticket (a past point asked for): no age
                          // yet, never a negative one.
                          std::max<ledger::TimeNs>(0, scope.now - oldest)});
  }
  return out;
}

}  // namespace

void RegisterWorkload(ModelRegistry& registry) { registry.Register<Workload>(); }

}  // namespace tl::projections
