// PeriodCells: an aggregate kept in cells by a ticket's creation day and group, plus the same
// cells rolled up by creation month, so that a report over any window [from, to) merges
//   whole months (month cells) + whole days at the window's ragged month ends (day cells) +
//   at most two partly covered days (the caller folds those days' tickets one by one)
// and its cost grows with the window's months, not with the number of tickets in it.
//
// Cell requirements: default-constructible, `void Add(const C& contribution, int sign)` for the
// contributions the model adds (+1) and takes back (-1), `void Merge(const Cell&)`, `bool
// empty() const` (a cell that went back to empty is erased, so equal histories give equal
// tables), and optionally `void Exchange(const C& out, const C& in)` (= Add(out, -1) then
// Add(in, +1), for a cell that can do it with less work). Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ledger/domain/types.h"
#include "projections/cell_table.h"
#include "projections/checkpoint_codec.h"
#include "projections/names.h"
#include "projections/read_model.h"
#include "projections/report_types.h"

namespace tl::projections {

constexpr ledger::TimeNs kNanosPerDay = 86400 * ledger::kNanosPerSecond;

// Days since 1970-01-01 of an instant (UTC), and months as year * 12 + month - 1.
int64_t DayOf(ledger::TimeNs t);
int64_t MonthOfDay(int64_t day);
int64_t FirstDayOfMonth(int64_t month);
inline ledger::TimeNs StartOfDay(int64_t day) { return day * kNanosPerDay; }

enum class Granularity { kDay, kMonth };  // the coarsest cells a visit may use

// How a window splits into cells: whole-day ranges, a whole-month range, partly covered days.
struct WindowPlan {
  std::vector<std::pair<int64_t, int64_t>> day_ranges;  // [first, end) days, each covered whole
  std::optional<std::pair<int64_t, int64_t>> months;    // [first, end) months covered whole
  std::vector<int64_t> partial_days;                    // days covered only in part
};
WindowPlan PlanWindow(const Window& window, Granularity granularity);

template <class Cell>
class PeriodCells {
 public:
  template <class Contribution>
  void Add(ledger::TimeNs created_at, const GroupKey& group, const Contribution& c, int sign) {
    const int64_t day = DayOf(created_at);
    Update(days_, day, group, c, sign);
    Update(months_, MonthOfDay(day), group, c, sign);
  }

  // Takes a ticket's old contribution out and puts its new one in (the common case of a changed
  // ticket), with one lookup per period when the group stays.
  template <class Contribution>
  void Replace(ledger::TimeNs created_at, const GroupKey& old_group, const Contribution& old_c,
               const GroupKey& new_group, const Contribution& new_c) {
    const int64_t day = DayOf(created_at);
    if (old_group == new_group) {
      Exchange(days_, day, new_group, old_c, new_c);
      Exchange(months_, MonthOfDay(day), new_group, old_c, new_c);
    } else {
      Add(created_at, old_group, old_c, -1);
      Add(created_at, new_group, new_c, +1);
    }
  }

  // Calls on_cell(first_day, group, cell) for every cell the window covers whole (first_day is
  // the cell's day, or the first day of its month) and on_partial_day(day) for each day the
  // window covers only in part, whose tickets the caller folds itself.
  template <class OnCell, class OnPartialDay>
  void Visit(const Window& window, Granularity granularity, OnCell&& on_cell,
             OnPartialDay&& on_partial_day) const {
    const WindowPlan plan = PlanWindow(window, granularity);
    for (const auto& [first, end] : plan.day_ranges) VisitRange(days_, first, end, on_cell, false);
    if (plan.months) VisitRange(months_, plan.months->first, plan.months->second, on_cell, true);
    for (int64_t day : plan.partial_days) on_partial_day(day);
  }

  // Only the day cells are written, in the order of (day, service, queue, category) names;
  // Decode rebuilds the months by merging them.
  void Encode(CheckpointWriter& out, const Names& names,
              const std::function<void(CheckpointWriter&, const Cell&)>& encode_cell) const {
    struct Entry {
      int64_t day;
      const std::string* service;
      const std::string* queue;
      int category;
      const Cell* cell;
    };
    std::vector<Entry> sorted;
    sorted.reserve(days_.size());
    days_.ForEach([&](int64_t day, const GroupKey& group, const Cell& cell) {
      sorted.push_back({day, &names.Get(group.service), &names.Get(group.queue),
                        static_cast<int>(group.category), &cell});
    });
    std::sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
      return std::tie(a.day, *a.service, *a.queue, a.category) <
             std::tie(b.day, *b.service, *b.queue, b.category);
    });
    out.PutVarint(sorted.size());
    for (const Entry& e : sorted) {
      out.PutSigned(e.day);
      out.PutString(*e.service);
      out.PutString(*e.queue);
      out.PutVarint(static_cast<uint64_t>(e.category));
      encode_cell(out, *e.cell);
    }
  }

  void Decode(CheckpointReader& in, Names& names,
              const std::function<Cell(CheckpointReader&)>& decode_cell) {
    const uint64_t n = in.GetCount();
    for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
      const int64_t day = in.GetSigned();
      GroupKey group;
      group.service = names.Intern(in.GetString());
      group.queue = names.Intern(in.GetString());
      group.category = in.GetEnum(ledger::Category::kChange);
      Cell cell = decode_cell(in);
      if (!in.status().ok()) break;
      months_.Modify(MonthOfDay(day), group, [&](Cell& month) { month.Merge(cell); });
      if (!days_.Insert(day, group, std::move(cell))) in.Fail("a day cell twice");
    }
  }

 private:
  template <class Contribution>
  static void Update(CellTable<Cell>& table, int64_t period, const GroupKey& group,
                     const Contribution& c, int sign) {
    table.Modify(period, group, [&](Cell& cell) { cell.Add(c, sign); });
  }

  template <class Contribution>
  static void Exchange(CellTable<Cell>& table, int64_t period, const GroupKey& group,
                       const Contribution& out, const Contribution& in) {
    table.Modify(period, group, [&](Cell& cell) {
      if constexpr (requires { cell.Exchange(out, in); }) {
        cell.Exchange(out, in);
      } else {
        cell.Add(out, -1);
        cell.Add(in, +1);
      }
    });
  }

  template <class OnCell>
  static void VisitRange(const CellTable<Cell>& table, int64_t first, int64_t end, OnCell& on_cell,
                         bool months) {
    table.VisitRange(first, end, [&](int64_t period, const GroupKey& group, const Cell& cell) {
      on_cell(months ? FirstDayOfMonth(period) : period, group, cell);
    });
  }

  CellTable<Cell> days_;    // by creation day
  CellTable<Cell> months_;  // by creation month
};

}  // namespace tl::projections
