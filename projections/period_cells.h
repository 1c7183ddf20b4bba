// PeriodCells: an aggregate kept in cells by a ticket's creation day and group, plus the same
// cells rolled up by creation month, so that a report over any window [from, to) merges
//   whole months (month cells) + whole days at the window's ragged month ends (day cells) +
//   at most two partly covered days (the caller folds those days' tickets one by one)
// and its cost grows with the window's months, not with the number of tickets in it.
//
// Cell requirements: default-constructible, `void Add(const C& contribution, int sign)` for the
// contributions the model adds (+1) and takes back (-1), `void Merge(const Cell&)`, `bool
// empty() const` (a cell that went back to empty is erased, so equal histories give equal
// maps). Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ledger/types.h"
#include "projections/checkpoint_codec.h"
#include "projections/names.h"
#include "projections/read_model.h"

namespace tl::projections {

constexpr ledger::TimeNs kNanosPerDay = 86400 * ledger::kNanosPerSecond;

// Days since 1970-01-01 of an instant (UTC), and months as year * 12 + month - 1.
int64_t DayOf(ledger::TimeNs t);
int64_t MonthOfDay(int64_t day);
int64_t FirstDayOfMonth(int64_t month);
inline ledger::TimeNs StartOfDay(int64_t day) { return day * kNanosPerDay; }

// A half-open window of creation times; unbounded ends are the extremes of TimeNs.
struct Window {
  ledger::TimeNs from = std::numeric_limits<ledger::TimeNs>::min();
  ledger::TimeNs to = std::numeric_limits<ledger::TimeNs>::max();
  bool Contains(ledger::TimeNs t) const { return t >= from && t < to; }
};

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
  using Key = std::pair<int64_t, GroupKey>;  // (day or month, group)

  template <class Contribution>
  void Add(ledger::TimeNs created_at, const GroupKey& group, const Contribution& c, int sign) {
    const int64_t day = DayOf(created_at);
    Update(days_, {day, group}, c, sign);
    Update(months_, {MonthOfDay(day), group}, c, sign);
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

  // Only the day cells are written; Decode rebuilds the months by merging them.
  void Encode(CheckpointWriter& out, const Names& names,
              const std::function<void(CheckpointWriter&, const Cell&)>& encode_cell) const {
    std::vector<
        std::pair<std::tuple<int64_t, const std::string*, const std::string*, int>, const Cell*>>
        sorted;
    sorted.reserve(days_.size());
    for (const auto& [key, cell] : days_) {
      sorted.push_back({{key.first, &names.Get(key.second.service), &names.Get(key.second.queue),
                         static_cast<int>(key.second.category)},
                        &cell});
    }
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      const auto& [da, sa, qa, ca] = a.first;
      const auto& [db, sb, qb, cb] = b.first;
      return std::tie(da, *sa, *qa, ca) < std::tie(db, *sb, *qb, cb);
    });
    out.PutVarint(sorted.size());
    for (const auto& [key, cell] : sorted) {
      const auto& [day, service, queue, category] = key;
      out.PutSigned(day);
      out.PutString(*service);
      out.PutString(*queue);
      out.PutVarint(static_cast<uint64_t>(category));
      encode_cell(out, *cell);
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
      months_[{MonthOfDay(day), group}].Merge(cell);
      days_.emplace(Key{day, group}, std::move(cell));
    }
  }

 private:
  template <class Contribution>
  static void Update(std::map<Key, Cell>& cells, const Key& key, const Contribution& c, int sign) {
    auto it = cells.try_emplace(key).first;
    it->second.Add(c, sign);
    if (it->second.empty()) cells.erase(it);
  }

  template <class OnCell>
  static void VisitRange(const std::map<Key, Cell>& cells, int64_t first, int64_t end,
                         OnCell& on_cell, bool months) {
    for (auto it = cells.lower_bound({first, GroupKey{0, 0, ledger::Category::kSupport}});
         it != cells.end() && it->first.first < end; ++it) {
      on_cell(months ? FirstDayOfMonth(it->first.first) : it->first.first, it->first.second,
              it->second);
    }
  }

  std::map<Key, Cell> days_;
  std::map<Key, Cell> months_;
};

}  // namespace tl::projections
