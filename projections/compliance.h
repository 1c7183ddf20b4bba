// Process compliance (docs/api.md `GET /api/v1/reports/compliance`; issue 6), every category: per
// current service or queue, counts of events that show the process's discipline. Live writes
// always comply; imported history is recorded as it happened and may not. Its model keeps each
// ticket's counts so that they follow it between groups (compliance.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

// Reads window and group_by (service, queue).
struct ComplianceReport {
  struct Group {
    std::string key;
    uint64_t resolved = 0;
    uint64_t resolved_with_solution = 0;  // a non-blank solution
    uint64_t stalls = 0;
    uint64_t stalls_with_follow_up = 0;  // a follow-up time set
    uint64_t assignments = 0;
    // The owner was a member of the ticket's queue at that moment (the reference data then).
    uint64_t assignments_in_queue = 0;
    uint64_t invited = 0;            // feedback invitations
    uint64_t invited_within_2h = 0;  // within 2 h of the latest resolution before them
    bool operator==(const Group&) const = default;
  };
  std::vector<Group> groups;  // by key; a group with nothing counted is absent
  bool operator==(const ComplianceReport&) const = default;
};

// Registers the model behind ComplianceReport (checkpoint name "compliance").
void RegisterCompliance(ModelRegistry& registry);

}  // namespace tl::projections
