#include "projections/satisfaction.h"

#include <deque>
#include <map>
#include <vector>

#include "projections/model_support.h"
#include "projections/period_cells.h"
#include "projections/ticket_index.h"

namespace tl::projections {

namespace {

class Satisfaction : public ReadModel {
 public:
  explicit Satisfaction(Names& names) : names_(names) {}
  std::string_view name() const override { return "satisfaction"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  using Report = SatisfactionReport;
  Report Query(const ReportParams& params, const ReportScope& scope) const;

 private:
  struct Invitations {
    uint32_t invited = 0;
    uint32_t within_due = 0;
    bool operator==(const Invitations&) const = default;
  };
  struct Contribution {
    int32_t score = 0;  // 0 = no feedback
    Invitations invitations;
    bool operator==(const Contribution&) const = default;
  };
  struct Cell {
    uint64_t feedback = 0;
    uint64_t score_sum = 0;
    uint64_t invited = 0;
    uint64_t within_due = 0;
    void Add(const Contribution& c, int sign);
    void Merge(const Cell& other);
    bool empty() const { return feedback == 0 && invited == 0; }
  };
  Contribution ContributionOf(const ledger::TicketState& t) const;

  Names& names_;
  std::deque<Invitations> invitations_;  // [id - 1]; a deque: no spare capacity
  PeriodCells<Cell> cells_;
};

using ledger::TicketState;

namespace {
constexpr GroupFields kFields{.queue = true, .category = false};
}  // namespace

Satisfaction::Contribution Satisfaction::ContributionOf(const TicketState& t) const {
  Contribution c;
  if (t.feedback) c.score = t.feedback->score;
  if (t.id.value() <= invitations_.size()) c.invitations = invitations_[t.id.value() - 1];
  return c;
}

void Satisfaction::Cell::Add(const Contribution& c, int sign) {
  if (c.score != 0) {
    feedback += sign;
    score_sum += sign * c.score;
  }
  invited += sign * static_cast<int64_t>(c.invitations.invited);
  within_due += sign * static_cast<int64_t>(c.invitations.within_due);
}

void Satisfaction::Cell::Merge(const Cell& other) {
  feedback += other.feedback;
  score_sum += other.score_sum;
  invited += other.invited;
  within_due += other.within_due;
}

void Satisfaction::Apply(const Change& change) {
  if (!change.after) return;
  const TicketState& before = *change.before;
  const TicketState& after = *change.after;
  const bool invited = std::holds_alternative<ledger::FeedbackInvited>(change.event.payload);
  const bool scored = std::holds_alternative<ledger::FeedbackReceived>(change.event.payload);
  // Only these events change a contribution, and only a move changes the group: the rest
  // return before reading the ticket's invitations, a cache miss each (perf).
  if (!invited && !scored && before.exists() &&
      Narrow(change.before_group, kFields) == Narrow(change.after_group, kFields)) {
    return;
  }
  const Contribution was = before.exists() ? ContributionOf(before) : Contribution{};
  if (invited) {
    if (invitations_.size() < after.id.value()) invitations_.resize(after.id.value());
    Invitations& inv = invitations_[after.id.value() - 1];
    ++inv.invited;
    if (InvitedWithinDue(before, change.event.occurred_at)) ++inv.within_due;
  }
  const Contribution is = ContributionOf(after);
  const GroupKey key = Narrow(change.after_group, kFields);
  const GroupKey old_key = before.exists() ? Narrow(change.before_group, kFields) : key;
  if (was == is && old_key == key) return;
  const bool had = was != Contribution{}, has = is != Contribution{};
  if (had && has) {
    cells_.Replace(after.created_at, old_key, was, key, is);
  } else if (had) {
    cells_.Add(before.created_at, old_key, was, -1);
  } else if (has) {
    cells_.Add(after.created_at, key, is, +1);
  }
}

void Satisfaction::Encode(CheckpointWriter& out) const {
  cells_.Encode(out, names_, [](CheckpointWriter& w, const Cell& c) {
    w.PutVarint(c.feedback);
    w.PutVarint(c.score_sum);
    w.PutVarint(c.invited);
    w.PutVarint(c.within_due);
  });
  uint64_t invited = 0;
  for (const Invitations& inv : invitations_) invited += inv.invited > 0;
  out.PutVarint(invited);
  for (size_t i = 0; i < invitations_.size(); ++i) {
    if (invitations_[i].invited == 0) continue;
    out.PutVarint(i + 1);
    out.PutVarint(invitations_[i].invited);
    out.PutVarint(invitations_[i].within_due);
  }
}

void Satisfaction::Decode(CheckpointReader& in) {
  cells_.Decode(in, names_, [](CheckpointReader& r) {
    Cell c;
    c.feedback = r.GetVarint();
    c.score_sum = r.GetVarint();
    c.invited = r.GetVarint();
    c.within_due = r.GetVarint();
    if (c.empty() || c.within_due > c.invited) r.Fail("satisfaction cell out of range");
    return c;
  });
  const uint64_t n = in.GetCount();
  for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
    const uint64_t id = in.GetIdAfter(invitations_.size());
    if (id == 0) break;
    invitations_.resize(id);
    invitations_[id - 1].invited = static_cast<uint32_t>(in.GetVarint());
    invitations_[id - 1].within_due = static_cast<uint32_t>(in.GetVarint());
  }
}

SatisfactionReport Satisfaction::Query(const ReportParams& p, const ReportScope& scope) const {
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
          if (!p.window.Contains(t.created_at)) continue;
          const Contribution c = ContributionOf(t);
          if (c != Contribution{}) groups[GroupName(p.group_by, t)].Add(c, +1);
        }
      });
  SatisfactionReport out;
  for (const auto& [key, g] : groups) {
    if (g.empty()) continue;
    out.groups.push_back({
        key,
        g.feedback,
        g.feedback ? std::optional(static_cast<double>(g.score_sum) / g.feedback) : std::nullopt,
        g.invited,
        g.within_due,
        g.invited ? std::optional(static_cast<double>(g.within_due) / g.invited) : std::nullopt,
    });
  }
  return out;
}

}  // namespace

void RegisterSatisfaction(ModelRegistry& registry) { registry.Register<Satisfaction>(); }

}  // namespace tl::projections
