#include "projections/workload.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <tuple>
#include <vector>

#include "ledger/domain/time_format.h"
#include "projections/duration_stats.h"
#include "projections/model_support.h"

namespace tl::projections {

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
      out.PutVarint(id);
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

boost::json::object Workload::Query(const ReportParams& p, ledger::TimeNs now) const {
  const NameFilter queue(names_, p.queue);
  boost::json::array out;
  for (const auto& it : ByName(groups_, names_)) {
    if (!queue.Matches(it->first.first)) continue;
    const ledger::TimeNs oldest = it->second.begin()->first;
    const std::string& owner = names_.Get(it->first.second);
    out.push_back(boost::json::object{
        {"queue", names_.Get(it->first.first)},
        {"owner", owner.empty() ? boost::json::value(nullptr) : boost::json::value(owner)},
        {"open", it->second.size()},
        {"oldest_created_at", ledger::FormatRfc3339(oldest)},
        {"oldest_age_s", NanosAsSecondsJson(now - oldest)},
    });
  }
  return boost::json::object{{"now", ledger::FormatRfc3339(now)}, {"groups", std::move(out)}};
}

}  // namespace tl::projections
