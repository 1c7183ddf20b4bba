#include "projections/period_cells.h"

#include <algorithm>

#include "ledger/domain/time_format.h"

namespace tl::projections {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t DayOf(ledger::TimeNs t) { return FloorDiv(t, kNanosPerDay); }

int64_t MonthOfDay(int64_t day) {
  int64_t y;
  unsigned m, d;
  ledger::CivilFromDays(day, &y, &m, &d);
  return y * 12 + m - 1;
}

int64_t FirstDayOfMonth(int64_t month) {
  const int64_t y = FloorDiv(month, 12);
  const auto m = static_cast<unsigned>(month - y * 12 + 1);
  return ledger::DaysFromCivil(y, m, 1);
}

WindowPlan PlanWindow(const Window& window, Granularity granularity) {
  WindowPlan plan;
  // Beyond these days a day's start does not fit in TimeNs; no event can be that far out.
  constexpr int64_t kFirstDay = -106751, kEndDay = 106751;
  const ledger::TimeNs from = std::max(window.from, StartOfDay(kFirstDay));
  const ledger::TimeNs to = std::min(window.to, StartOfDay(kEndDay));
  if (from >= to) return plan;
  const int64_t from_day = DayOf(from), to_day = DayOf(to);
  const bool from_whole = StartOfDay(from_day) == from;
  const bool to_whole = StartOfDay(to_day) == to;  // then day to_day is outside the window
  if (!from_whole) plan.partial_days.push_back(from_day);
  if (!to_whole && (to_day != from_day || from_whole)) plan.partial_days.push_back(to_day);
  const int64_t first_whole = from_whole ? from_day : from_day + 1;
  const int64_t end_whole = to_day;
  if (first_whole >= end_whole) return plan;

  if (granularity == Granularity::kMonth) {
    const int64_t first_month_of = MonthOfDay(first_whole);
    const int64_t first_month =
        FirstDayOfMonth(first_month_of) == first_whole ? first_month_of : first_month_of + 1;
    const int64_t end_month = MonthOfDay(end_whole);  // end_whole's own month is not whole
    if (first_month < end_month) {
      plan.day_ranges.push_back({first_whole, FirstDayOfMonth(first_month)});
      plan.months = {first_month, end_month};
      plan.day_ranges.push_back({FirstDayOfMonth(end_month), end_whole});
      return plan;
    }
  }
  plan.day_ranges.push_back({first_whole, end_whole});
  return plan;
}

}  // namespace tl::projections
