#include "projections/dashboard.h"

#include <limits>
#include <map>

#include "ledger/domain/time_format.h"
#include "projections/model_support.h"
#include "projections/period_cells.h"
#include "projections/ticket_index.h"

namespace tl::projections {

namespace {

class Dashboard : public ReadModel {
 public:
  explicit Dashboard(Names& names) : names_(names) {}
  std::string_view name() const override { return "dashboard"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  using Report = DashboardReport;
  Report Query(const ReportParams& params, const ReportScope& scope) const;

 private:
  struct Cell {
    uint64_t open = 0;
    void Add(int c, int sign) { open += c * sign; }
    void Merge(const Cell& other) { open += other.open; }
    bool empty() const { return open == 0; }
  };
  static bool Counts(const ledger::TicketState& t);

  Names& names_;
  PeriodCells<Cell> cells_;
};

using ledger::TicketState;

bool Dashboard::Counts(const TicketState& t) {
  return t.is_open() && t.category == ledger::Category::kSupport;
}

void Dashboard::Apply(const Change& change) {
  if (!change.after) return;
  const TicketState& before = *change.before;
  const TicketState& after = *change.after;
  const bool was = before.exists() && Counts(before), is = Counts(after);
  if (!was && !is) return;
  const GroupFields fields{.queue = true, .category = false};
  const GroupKey key = Narrow(change.after_group, fields);
  if (was && is) {
    const GroupKey old_key = Narrow(change.before_group, fields);
    if (old_key != key) cells_.Replace(after.created_at, old_key, 1, key, 1);
  } else if (was) {
    cells_.Add(before.created_at, Narrow(change.before_group, fields), 1, -1);
  } else {
    cells_.Add(after.created_at, key, 1, +1);
  }
}

void Dashboard::Encode(CheckpointWriter& out) const {
  cells_.Encode(out, names_, [](CheckpointWriter& w, const Cell& c) { w.PutVarint(c.open); });
}

void Dashboard::Decode(CheckpointReader& in) {
  cells_.Decode(in, names_, [](CheckpointReader& r) {
    Cell c{r.GetVarint()};
    if (c.open == 0) r.Fail("empty dashboard cell");
    return c;
  });
}

DashboardReport Dashboard::Query(const ReportParams& p, const ReportScope& scope) const {
  const ledger::TimeNs now = scope.now;
  const TicketIndex& tickets = scope.tickets;
  struct Row {
    uint64_t total = 0;
    std::map<std::string, uint64_t> by_week;
  };
  std::map<std::string, Row> rows;
  uint64_t total = 0;
  // (now - days, now] as a half-open window of creation times.
  Window window;
  const ledger::TimeNs span = p.days * kNanosPerDay;  // days <= 100000: fits
  window.from = now < std::numeric_limits<ledger::TimeNs>::min() + span
                    ? std::numeric_limits<ledger::TimeNs>::min()
                    : now - span + 1;
  window.to = now == std::numeric_limits<ledger::TimeNs>::max() ? now : now + 1;
  const NameFilter queue(names_, p.queue);
  auto count = [&](const std::string& service, ledger::TimeNs created_at, uint64_t n) {
    Row& row = rows[service];
    row.total += n;
    row.by_week[ledger::IsoWeekKey(created_at)] += n;
    total += n;
  };
  cells_.Visit(
      window, Granularity::kDay,
      [&](int64_t day, const GroupKey& key, const Cell& cell) {
        if (queue.Matches(key.queue)) count(names_.Get(key.service), StartOfDay(day), cell.open);
      },
      [&](int64_t day) {
        for (ledger::TicketId id : tickets.CreatedOn(day)) {
          const TicketState& t = *tickets.Find(id);
          if (window.Contains(t.created_at) && Counts(t) && queue.Matches(t.queue)) {
            count(t.service, t.created_at, 1);
          }
        }
      });
  DashboardReport out{now, total, {}};
  for (auto& [service, row] : rows) {
    out.rows.push_back({service, row.total, std::move(row.by_week)});
  }
  return out;
}

}  // namespace

void RegisterDashboard(ModelRegistry& registry) { registry.Register<Dashboard>(); }

}  // namespace tl::projections
