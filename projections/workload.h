// Workload (docs/api.md `GET /api/v1/reports/workload`): open tickets of every category per current
// queue and owner, with the oldest. Its model keeps each group's tickets ordered by creation so
// the oldest is at hand (workload.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

// Reads queue and now.
struct WorkloadReport {
  struct Group {
    std::string queue;
    std::optional<std::string> owner;  // nullopt: unowned (listed first within its queue)
    uint64_t open = 0;
    ledger::TimeNs oldest_created_at = 0;
    int64_t oldest_age_ns = 0;  // now - oldest_created_at
    bool operator==(const Group&) const = default;
  };
  ledger::TimeNs now = 0;
  std::vector<Group> groups;  // by queue, then owner
  bool operator==(const WorkloadReport&) const = default;
};

// Registers the model behind WorkloadReport (checkpoint name "workload").
void RegisterWorkload(ModelRegistry& registry);

}  // namespace tl::projections
