#include "projections/compliance.h"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <vector>

#include "ledger/domain/overloaded.h"
#include "ledger/domain/ticket_rules.h"
#include "projections/model_support.h"
#include "projections/period_cells.h"
#include "projections/ticket_index.h"

namespace tl::projections {

namespace {

class Compliance : public ReadModel {
 public:
  explicit Compliance(Names& names) : names_(names) {}
  std::string_view name() const override { return "compliance"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  using Report = ComplianceReport;
  Report Query(const ReportParams& params, const ReportScope& scope) const;

  // The counters, in the order of ComplianceReport::Group's fields.
  static constexpr size_t kCounters = 8;

 private:
  using Counts = std::array<uint32_t, kCounters>;  // one ticket's
  struct Cell {
    std::array<uint64_t, kCounters> n{};
    void Add(const Counts& c, int sign);
    void Merge(const Cell& other);
    bool empty() const;
  };
  const Counts& CountsOf(ledger::TicketId id) const;

  Names& names_;
  std::deque<Counts> counts_;  // [id - 1]; a deque grows without a vector's spare half
  PeriodCells<Cell> cells_;
};

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
  return id.value() <= counts_.size() ? counts_[id.value() - 1] : kNone;
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
                                        // From the state, which says whether it was blank.
                                        if (after.solution_given) ++added[kResolvedWithSolution];
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
    if (counts_.size() < after.id.value()) counts_.resize(after.id.value());
    counts_[after.id.value() - 1] = is;
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

ComplianceReport Compliance::Query(const ReportParams& p, const ReportScope& scope) const {
  const TicketIndex& tickets = scope.tickets;
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
  ComplianceReport out;
  for (const auto& [key, g] : groups) {
    out.groups.push_back({key, g.n[kResolved], g.n[kResolvedWithSolution], g.n[kStalls],
                          g.n[kStallsWithFollowUp], g.n[kAssignments], g.n[kAssignmentsInQueue],
                          g.n[kInvited], g.n[kInvitedWithin2h]});
  }
  return out;
}

}  // namespace

void RegisterCompliance(ModelRegistry& registry) { registry.Register<Compliance>(); }

}  // namespace tl::projections
