#include "tools/generate/calendar.h"

#include <algorithm>
#include <cassert>

#include "ledger/domain/time_format.h"

namespace tl::tools::generate {
namespace {

using ledger::TimeNs;

int64_t DayOf(TimeNs t) { return t >= 0 ? t / kDay : (t - kDay + 1) / kDay; }

// Easter Sunday (Gregorian; the anonymous algorithm of Meeus/Jones/Butcher), as a day number.
int64_t EasterSunday(int64_t y) {
  const int64_t a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  const int64_t f = (b + 8) / 25, g = (b - f + 1) / 3;
  const int64_t h = (19 * a + b - d - g + 15) % 30;
  const int64_t i = c / 4, k = c % 4;
  const int64_t l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int64_t m = (a + 11 * h + 22 * l) / 451;
  const int64_t month = (h + l - 7 * m + 114) / 31;
  const int64_t day = (h + l - 7 * m + 114) % 31 + 1;
  return ledger::DaysFromCivil(y, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

bool IsHoliday(int64_t day) {
  int64_t y;
  unsigned m, d;
  ledger::CivilFromDays(day, &y, &m, &d);
  if ((m == 1 && d == 1) || (m == 5 && (d == 1 || d == 17)) ||
      (m == 12 && (d == 24 || d == 25 || d == 26 || d == 31))) {
    return true;
  }
  if (m < 3 || m > 6) return false;  // the moveable feasts fall in March to June
  const int64_t easter = EasterSunday(y);
  for (int64_t offset : {-3, -2, 1, 39, 50}) {  // Maundy Thursday ... Whit Monday
    if (day == easter + offset) return true;
  }
  return false;
}

// 1970-01-01 was a Thursday: weekday 0 = Monday.
int Weekday(int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }

// Relative inquiry volume in the hour starting at `hour_start`.
double HourWeight(TimeNs hour_start) {
  const int64_t day = DayOf(hour_start);
  const int hour = static_cast<int>((hour_start - day * kDay) / kHour);
  double w;
  if (IsWorkingDay(day)) {
    static constexpr double kWorkday[24] = {0.03, 0.03, 0.03, 0.03, 0.04, 0.10, 0.25, 0.80,
                                            1.20, 1.30, 1.20, 1.00, 1.10, 1.00, 0.70, 0.35,
                                            0.25, 0.20, 0.20, 0.15, 0.10, 0.08, 0.05, 0.04};
    static constexpr double kWeekday[5] = {1.15, 1.05, 1.0, 1.0, 0.85};
    w = kWorkday[hour] * kWeekday[std::min(Weekday(day), 4)];
  } else {
    w = hour >= 7 && hour < 20 ? 0.06 : 0.02;
  }
  int64_t y;
  unsigned m, d;
  ledger::CivilFromDays(day, &y, &m, &d);
  if (m == 7) w *= 0.45;  // fellesferie
  if ((m == 12 && d >= 20) || (m == 1 && d <= 1)) w *= 0.6;
  if ((m == 8 && d >= 10) || (m == 1 && d >= 2 && d <= 20)) w *= 1.25;  // semester start
  return w;
}

}  // namespace

bool IsWorkingDay(int64_t day) { return Weekday(day) < 5 && !IsHoliday(day); }

bool InWorkingHours(TimeNs t) {
  const int64_t day = DayOf(t);
  const TimeNs into = t - day * kDay;
  return into >= kWorkStart && into < kWorkEnd && IsWorkingDay(day);
}

TimeNs NextWorkingMoment(TimeNs t) {
  int64_t day = DayOf(t);
  const TimeNs into = t - day * kDay;
  if (IsWorkingDay(day)) {
    if (into < kWorkStart) return day * kDay + kWorkStart;
    if (into < kWorkEnd) return t;
  }
  do {
    ++day;
  } while (!IsWorkingDay(day));
  return day * kDay + kWorkStart;
}

TimeNs AddWorkingTime(TimeNs t, TimeNs work) {
  t = NextWorkingMoment(t);
  for (;;) {
    const TimeNs left_today = DayOf(t) * kDay + kWorkEnd - t;
    if (work < left_today) return t + work;
    work -= left_today;
    t = NextWorkingMoment(t + left_today);
  }
}

TimeNs WorkingDaysLater(TimeNs t, int days, TimeNs time_of_day) {
  int64_t day = DayOf(t);
  for (int i = 0; i < days; ++i) {
    do {
      ++day;
    } while (!IsWorkingDay(day));
  }
  return day * kDay + time_of_day;
}

TimeNs RequesterTime(TimeNs t, TimeNs delay, Rng& rng) {
  TimeNs at = t + std::max<TimeNs>(delay, kMinute);
  const int64_t day = DayOf(at);
  const TimeNs into = at - day * kDay;
  if ((into < 5 * kHour || into >= 21 * kHour) && rng.Chance(0.85)) {
    const int64_t morning = into < 5 * kHour ? day : day + 1;
    at = morning * kDay + 5 * kHour + static_cast<TimeNs>(rng.Uniform(0, 4) * kHour);
  }
  return at;
}

std::vector<TimeNs> ArrivalTimes(TimeNs start, TimeNs end, size_t count, Rng& rng) {
  std::vector<TimeNs> out;
  if (count == 0 || end <= start) return out;
  // The cumulative volume of every hour, then `count` sorted uniforms (normalised sums of
  // exponential spacings: sorted without sorting) mapped through it. Within an hour the time is
  // linear in the uniform, so the result stays sorted.
  const TimeNs first_hour = DayOf(start) * kDay + (start - DayOf(start) * kDay) / kHour * kHour;
  std::vector<TimeNs> hours;
  std::vector<double> cumulative;
  double total = 0;
  for (TimeNs h = first_hour; h < end; h += kHour) {
    const TimeNs from = std::max(h, start), to = std::min(h + kHour, end);
    total += HourWeight(h) * static_cast<double>(to - from) / kHour;
    hours.push_back(from);
    cumulative.push_back(total);
  }
  std::vector<double> spacing(count + 1);
  double sum = 0;
  for (double& s : spacing) sum += (s = rng.Exponential(1.0));
  out.reserve(count);
  double acc = 0;
  size_t h = 0;
  for (size_t i = 0; i < count; ++i) {
    acc += spacing[i];
    const double x = acc / sum * total;
    while (h + 1 < hours.size() && cumulative[h] <= x) ++h;
    const double lo = h == 0 ? 0 : cumulative[h - 1];
    const double hour_weight = cumulative[h] - lo;
    const TimeNs to = std::min(hours[h] - (hours[h] - first_hour) % kHour + kHour, end);
    const double fraction = hour_weight > 0 ? std::clamp((x - lo) / hour_weight, 0.0, 1.0) : 0;
    TimeNs t = hours[h] + static_cast<TimeNs>(fraction * static_cast<double>(to - hours[h]));
    t = std::min(t, end - 1);
    if (!out.empty()) t = std::max(t, out.back());
    out.push_back(t / kSecond * kSecond);  // whole seconds, as a mail server stamps them
  }
  return out;
}

int64_t WorkingDaysBetween(TimeNs start, TimeNs end) {
  int64_t n = 0;
  for (int64_t day = DayOf(start); day * kDay < end; ++day) n += IsWorkingDay(day) ? 1 : 0;
  return n;
}

}  // namespace tl::tools::generate
