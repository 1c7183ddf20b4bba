// RFC 3339 for JSON and the command line. Output is UTC with "Z" and fractional seconds only
// when they are non-zero (docs/api.md); input accepts any offset and up to nanosecond fractions.
#pragma once

#include <string>
#include <string_view>

#include "ledger/domain/result.h"
#include "ledger/domain/types.h"

namespace tl::ledger {

std::string FormatRfc3339(TimeNs t);
Result<TimeNs> ParseRfc3339(std::string_view text);

// Calendar keys of a UTC instant used by reports: "2026-11-27", "2026-W48", "2026-11".
std::string DayKey(TimeNs t);
std::string IsoWeekKey(TimeNs t);
std::string MonthKey(TimeNs t);

// Days since 1970-01-01 for a civil date and back (proleptic Gregorian; H. Hinnant's algorithms).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);

}  // namespace tl::ledger
