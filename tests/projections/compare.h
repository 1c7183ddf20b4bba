// Equality of two Projections as everything outside can see it: every model's state digest,
// every report over a grid of parameters, the metrics, and every ticket.
#pragma once

#include "projections/projections.h"

namespace tl::testing {

// CHECKs that `a` and `b` answer alike (Catch2 assertions inside).
void CheckSameProjections(const projections::Projections& a, const projections::Projections& b,
                          ledger::TimeNs start);

}  // namespace tl::testing
