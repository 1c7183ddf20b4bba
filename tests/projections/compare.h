// Equality of two Projections as everything outside can see it: every model's state digest,
// every report over a grid of parameters, the metrics, and every ticket.
#pragma once

#include "projections/projections.h"

namespace tl::testing {

// The report queries the comparisons run: every report, with and without windows (whose ends
// fall inside days) and the other parameters.
std::vector<std::pair<std::string, projections::QueryParams>> ReportGrid(ledger::TimeNs start);

// CHECKs that `a` and `b` answer alike (Catch2 assertions inside).
void CheckSameProjections(const projections::Projections& a, const projections::Projections& b,
                          ledger::TimeNs start);

}  // namespace tl::testing
