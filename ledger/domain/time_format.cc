#include "ledger/domain/time_format.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace tl::ledger {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

struct Civil {
  int64_t year;
  unsigned month, day;
  int64_t seconds_of_day;
  int64_t days;  // since epoch
};

Civil ToCivil(TimeNs t) {
  int64_t seconds = FloorDiv(t, kNanosPerSecond);
  Civil c;
  c.days = FloorDiv(seconds, kSecondsPerDay);
  c.seconds_of_day = seconds - c.days * kSecondsPerDay;
  CivilFromDays(c.days, &c.year, &c.month, &c.day);
  return c;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = year + (*m <= 2);
}

std::string FormatRfc3339(TimeNs t) {
  Civil c = ToCivil(t);
  int64_t nanos = t - FloorDiv(t, kNanosPerSecond) * kNanosPerSecond;
  std::string out =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day,
                  c.seconds_of_day / 3600, c.seconds_of_day / 60 % 60, c.seconds_of_day % 60);
  if (nanos != 0) {
    std::string frac = fmt::format("{:09}", nanos);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += '.';
    out += frac;
  }
  out += 'Z';
  return out;
}

Result<TimeNs> ParseRfc3339(std::string_view s) {
  auto bad = [&] { return Status::BadField(fmt::format("'{}' is not an RFC 3339 time", s)); };
  int year, month, day, hour, minute, second;
  if (!ParseDigits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' ||
      !ParseDigits(s, 5, 2, &month) || s[7] != '-' || !ParseDigits(s, 8, 2, &day) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !ParseDigits(s, 11, 2, &hour) ||
      s[13] != ':' || !ParseDigits(s, 14, 2, &minute) || s[16] != ':' ||
      !ParseDigits(s, 17, 2, &second)) {
    return bad();
  }
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month)) || hour > 23 ||
      minute > 59 || second > 60) {
    return bad();
  }
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (size_t i = digits; i < 9; ++i) nanos *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!ParseDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ParseDigits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_seconds = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  if (second == 60) second = 59;  // a leap second is held at :59.999... in Unix time
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  // int64 nanoseconds span 1677-09-21 to 2262-04-11; refuse what cannot be represented.
  if (seconds < -9'223'372'036LL || seconds > 9'223'372'035LL) return bad();
  return seconds * kNanosPerSecond + nanos;
}

std::string DayKey(TimeNs t) {
  Civil c = ToCivil(t);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::string MonthKey(TimeNs t) {
  Civil c = ToCivil(t);
  return fmt::format("{:04}-{:02}", c.year, c.month);
}

std::string IsoWeekKey(TimeNs t) {
  Civil c = ToCivil(t);
  // ISO weekday: Monday = 1 ... Sunday = 7; 1970-01-01 was a Thursday.
  int64_t weekday = FloorDiv(c.days + 3, 7) * -7 + c.days + 3 + 1;
  // The ISO week belongs to the year of its Thursday.
  int64_t thursday = c.days - weekday + 4;
  int64_t y;
  unsigned m, d;
  CivilFromDays(thursday, &y, &m, &d);
  int64_t week = (thursday - DaysFromCivil(y, 1, 1)) / 7 + 1;
  return fmt::format("{:04}-W{:02}", y, week);
}

}  // namespace tl::ledger
