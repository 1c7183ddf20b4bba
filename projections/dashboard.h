// The open-support dashboard (docs/api.md `GET /api/v1/dashboard`): support tickets whose status is
// new, open or stalled, by current service and ISO week of creation. Its model counts them by
// creation day x current service x queue, so that "the last N days" merges at most N day cells
// per group (dashboard.cc).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

// Reads days, queue and now: the tickets created in (now - days, now].
struct DashboardReport {
  struct Row {
    std::string service;
    uint64_t total = 0;
    std::map<std::string, uint64_t> by_week;  // by ISO week of creation (YYYY-Www)
    bool operator==(const Row&) const = default;
  };
  ledger::TimeNs now = 0;
  uint64_t total = 0;
  std::vector<Row> rows;  // by service
  bool operator==(const DashboardReport&) const = default;
};

// Registers the model behind DashboardReport (checkpoint name "dashboard").
void RegisterDashboard(ModelRegistry& registry);

}  // namespace tl::projections
