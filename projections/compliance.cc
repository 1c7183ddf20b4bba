#include "projections/compliance.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <map>

#include "ledger/domain/overloaded.h"
#include "ledger/domain/ticket_rules.h"
#include "projections/model_support.h"

namespace tl::projections {

using ledger::TicketState;

namespace {

constexpr GroupFields kFields{.queue = true, .category = false};
enum Counter : size_t {
  kResolved,
  kResolvedWithSolution,
  kStalls,
  kStallsWithFollowUp,
  kAssignments,
  kAssignmentsInQueue,
  kInvited,
  kInvitedWithin2h,
};

}  // namespace

const std::array<const char*, Compliance::kCounters>& Compliance::CounterNames() {
  static const std::array<const char*, kCounters> kNames = {
      "resolved",    "resolved_with_solution", "stalls",  "stalls_with_follow_up",
      "assignments", "assignments_in_queue",   "invited", "invited_within_2h"};
  return kNames;
}

void Compliance::Cell::Add(const Counts& c, int sign) {
  for (size_t i = 0; i < kCounters; ++i) n[i] += sign * static_cast<int64_t>(c[i]);
}

void Compliance::Cell::Merge(const Cell& other) {
  for (size_t i = 0; i < kCounters; ++i) n[i] += other.n[i];
}

bool Compliance::Cell::empty() const {
  return std::all_of(n.begin(), n.end(), [](uint64_t v) { return v == 0; });
}

const Compliance::Counts& Compliance::CountsOf(ledger::TicketId id) const {
  static const Counts kNone{};
  return id <= counts_.size() ? counts_[id - 1] : kNone;
}

void Compliance::Apply(const Change& change) {
  if (!change.after) return;
  const TicketState& before = *change.before;
  const TicketState& after = *change.after;
  const bool regrouped =
      before.exists() && (before.service != after.service || before.queue != after.queue);
  // What the event adds to the ticket's counts, decided before those are read: most events
  // are neither counted nor regroup, and return without that read, a cache miss each (perf).
  Counts added{};
  const bool counted = std::visit(Overloaded{
                                      [&](const ledger::Resolved&) {
                                        ++added[kResolved];
                                        // From the state: a bulk replay moved the event's.
                                        if (!ledger::IsBlank(after.solution))
                                          ++added[kResolvedWithSolution];
                                        return true;
                                      },
                                      [&](const ledger::Stalled& p) {
                                        ++added[kStalls];
                                        if (p.follow_up_at != 0) ++added[kStallsWithFollowUp];
                                        return true;
                                      },
                                      [&](const ledger::Assigned& p) {
                                        ++added[kAssignments];
                                        const ledger::QueueInfo* queue =
                                            change.reference.FindQueue(before.queue);
                                        if (queue && queue->members.contains(p.owner))
                                          ++added[kAssignmentsInQueue];
                                        return true;
                                      },
                                      [&](const ledger::FeedbackInvited&) {
                                        ++added[kInvited];
                                        if (InvitedWithinDue(before, change.event.occurred_at))
                                          ++added[kInvitedWithin2h];
                                        return true;
                                      },
                                      [](const auto&) { return false; },
                                  },
                                  change.event.payload);
  if (!counted && !regrouped) return;
  const Counts was = CountsOf(after.id);
  Counts is = was;
  for (size_t i = 0; i < kCounters; ++i) is[i] += added[i];
  if (counted) {
    if (counts_.size() < after.id) counts_.resize(after.id);
    counts_[after.id - 1] = is;
  }
  if (was == Counts{} && is == Counts{}) return;  // regrouped with nothing to move
  const GroupKey key = Narrow(change.after_group, kFields);
  if (was == Counts{}) {
    cells_.Add(after.created_at, key, is, +1);
  } else {
    cells_.Replace(after.created_at, Narrow(change.before_group, kFields), was, key, is);
  }
}

void Compliance::Encode(CheckpointWriter& out) const {
  cells_.Encode(out, names_, [](CheckpointWriter& w, const Cell& c) {
    for (uint64_t v : c.n) w.PutVarint(v);
  });
  uint64_t tickets = 0;
  for (const Counts& c : counts_) tickets += c != Counts{};
  out.PutVarint(tickets);
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == Counts{}) continue;
    out.PutVarint(i + 1);
    for (uint32_t v : counts_[i]) out.PutVarint(v);
  }
}

void Compliance::Decode(CheckpointReader& in) {
  cells_.Decode(in, names_, [](CheckpointReader& r) {
    Cell c;
    for (uint64_t& v : c.n) v = r.GetVarint();
    if (c.empty()) r.Fail("empty compliance cell");
    return c;
  });
  const uint64_t n = in.GetCount();
  for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
    const uint64_t id = in.GetIdAfter(counts_.size());
    if (id == 0) break;
    counts_.resize(id);
    for (uint32_t& v : counts_[id - 1]) v = static_cast<uint32_t>(in.GetVarint());
  }
}

boost::json::object Compliance::Query(const ReportParams& p, const TicketIndex& tickets) const {
  std::map<std::string, Cell> groups;
  cells_.Visit(
      p.window, Granularity::kMonth,
      [&](int64_t first_day, const GroupKey& key, const Cell& cell) {
        groups[GroupName(p.group_by, key, names_, first_day)].Merge(cell);
      },
      [&](int64_t day) {
        for (ledger::TicketId id : tickets.CreatedOn(day)) {
          const TicketState& t = *tickets.Find(id);
          if (!p.window.Contains(t.created_at) || CountsOf(id) == Counts{}) continue;
          groups[GroupName(p.group_by, t)].Add(CountsOf(id), +1);
        }
      });
  boost::json::array out;
  for (const auto& [key, g] : groups) {
    boost::json::object o{{"key", key}};
    for (size_t i = 0; i < kCounters; ++i) o[CounterNames()[i]] = g.n[i];
    out.push_back(std::move(o));
  }
  return boost::json::object{{"groups", std::move(out)}};
}

}  // namespace tl::projections
