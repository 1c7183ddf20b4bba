// Time at the desk: working hours, holidays and the volume profile of incoming inquiries.
//
// All in UTC. Working hours are 07:00-15:00 UTC on working days (08:00-16:00 Norwegian winter
// time; summer time is not modelled), working days are Monday to Friday except the Norwegian
// public holidays (fixed dates, and Easter, Ascension and Whit Monday from the Easter date).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/domain/types.h"
#include "tools/generate/rng.h"

namespace tl::tools::generate {

constexpr ledger::TimeNs kSecond = ledger::kNanosPerSecond;
constexpr ledger::TimeNs kMinute = 60 * kSecond;
constexpr ledger::TimeNs kHour = 60 * kMinute;
constexpr ledger::TimeNs kDay = 24 * kHour;
constexpr ledger::TimeNs kWorkStart = 7 * kHour;  // into the UTC day
constexpr ledger::TimeNs kWorkEnd = 15 * kHour;

// The whole second at or after t: the desk's systems stamp whole seconds.
constexpr ledger::TimeNs CeilSecond(ledger::TimeNs t) {
  return t >= 0 ? (t + kSecond - 1) / kSecond * kSecond : t / kSecond * kSecond;
}

// `day` counts days since 1970-01-01.
bool IsWorkingDay(int64_t day);
bool InWorkingHours(ledger::TimeNs t);
// t itself when it is in working hours, otherwise the start of the next working period.
ledger::TimeNs NextWorkingMoment(ledger::TimeNs t);
// The moment `work` of working time after NextWorkingMoment(t).
ledger::TimeNs AddWorkingTime(ledger::TimeNs t, ledger::TimeNs work);
// `days` working days after t's day, at `time_of_day` (UTC): a follow-up date.
ledger::TimeNs WorkingDaysLater(ledger::TimeNs t, int days, ledger::TimeNs time_of_day);
// A requester's own time: `delay` after t, but a moment in the night is moved, most of the
// time, to the next morning (people answer mail when they are awake).
ledger::TimeNs RequesterTime(ledger::TimeNs t, ledger::TimeNs delay, Rng& rng);

// `count` arrival times in [start, end), sorted, drawn from the desk's volume profile (busy
// weekday mornings, quiet evenings and weekends, low in July and over Christmas, a peak at the
// start of the autumn and spring semesters).
std::vector<ledger::TimeNs> ArrivalTimes(ledger::TimeNs start, ledger::TimeNs end, size_t count,
                                         Rng& rng);
// The number of working days in [start, end).
int64_t WorkingDaysBetween(ledger::TimeNs start, ledger::TimeNs end);

}  // namespace tl::tools::generate
