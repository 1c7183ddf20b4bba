#include "projections/misroutes.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <vector>

#include "projections/period_cells.h"
#include "projections/ticket_index.h"

namespace tl::projections {

namespace {

class Misroutes : public ReadModel {
 public:
  explicit Misroutes(Names& names) : names_(names) {}
  std::string_view name() const override { return "misroutes"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  using Report = MisroutesReport;
  Report Query(const ReportParams& params, const ReportScope& scope) const;

 private:
  // Cells key on GroupKey{service, queue = the source queue}.
  struct Cell {
    uint64_t count = 0;
    void Add(int c, int sign) { count += c * sign; }
    void Merge(const Cell& other) { count += other.count; }
    bool empty() const { return count == 0; }
  };

  Names& names_;
  std::unordered_map<ledger::TicketId, std::vector<NameId>> from_queues_;  // misrouted only
  PeriodCells<Cell> cells_;
};

using ledger::TicketState;

void Misroutes::Apply(const Change& change) {
  if (!change.after) return;
  const TicketState& before = *change.before;
  const TicketState& after = *change.after;
  const ledger::TicketId id = after.id;
  if (const auto* moved = std::get_if<ledger::Moved>(&change.event.payload);
      moved && moved->misroute) {
    const NameId from = names_.Intern(moved->from_queue);
    from_queues_[id].push_back(from);
    cells_.Add(after.created_at, GroupKey{names_.Intern(after.service), from}, 1, +1);
    return;
  }
  if (!before.exists() || before.service == after.service) return;
  auto it = from_queues_.find(id);
  if (it == from_queues_.end()) return;
  const NameId old_service = names_.Intern(before.service);
  const NameId new_service = names_.Intern(after.service);
  for (NameId from : it->second) {
    cells_.Replace(after.created_at, GroupKey{old_service, from}, 1, GroupKey{new_service, from},
                   1);
  }
}

void Misroutes::Encode(CheckpointWriter& out) const {
  cells_.Encode(out, names_, [](CheckpointWriter& w, const Cell& c) { w.PutVarint(c.count); });
  std::vector<ledger::TicketId> ids;
  for (const auto& [id, list] : from_queues_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  out.PutVarint(ids.size());
  for (ledger::TicketId id : ids) {
    out.PutVarint(id.value());
    const auto& list = from_queues_.at(id);
    out.PutVarint(list.size());
    for (NameId q : list) out.PutString(names_.Get(q));  // in the order the moves happened
  }
}

void Misroutes::Decode(CheckpointReader& in) {
  cells_.Decode(in, names_, [](CheckpointReader& r) {
    Cell c{r.GetVarint()};
    if (c.count == 0) r.Fail("empty misroute cell");
    return c;
  });
  const uint64_t tickets = in.GetCount();
  for (uint64_t i = 0; i < tickets && in.status().ok(); ++i) {
    std::vector<NameId>& list = from_queues_[ledger::TicketId(in.GetVarint())];
    const uint64_t n = in.GetCount();
    if (n == 0) in.Fail("a misrouted ticket without misroutes");
    for (uint64_t j = 0; j < n && in.status().ok(); ++j) {
      list.push_back(names_.Intern(in.GetString()));
    }
  }
}

MisroutesReport Misroutes::Query(const ReportParams& p, const ReportScope& scope) const {
  const TicketIndex& tickets = scope.tickets;
  std::map<std::pair<std::string, std::string>, uint64_t> groups;
  cells_.Visit(
      p.window, Granularity::kMonth,
      [&](int64_t, const GroupKey& key, const Cell& cell) {
        groups[{names_.Get(key.service), names_.Get(key.queue)}] += cell.count;
      },
      [&](int64_t day) {
        for (ledger::TicketId id : tickets.CreatedOn(day)) {
          auto it = from_queues_.find(id);
          if (it == from_queues_.end()) continue;
          const TicketState& t = *tickets.Find(id);
          if (!p.window.Contains(t.created_at)) continue;
          for (NameId from : it->second) ++groups[{t.service, names_.Get(from)}];
        }
      });
  MisroutesReport out;
  for (const auto& [key, count] : groups) out.groups.push_back({key.first, key.second, count});
  return out;
}

}  // namespace

void RegisterMisroutes(ModelRegistry& registry) { registry.Register<Misroutes>(); }

}  // namespace tl::projections
