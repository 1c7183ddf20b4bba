// Misroutes (docs/api.md `GET /api/v1/reports/misroutes`): moves from a team queue back to a
// first-line queue (the `misroute` flag the ledger records on the `moved` event), counted per
// the ticket's current service and the move's source queue, for tickets created in the window.
// Its model keeps counts by creation day and each ticket's source queues, so that the counts
// follow a ticket whose service changes (misroutes.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

// Reads window.
struct MisroutesReport {
  struct Group {
    std::string service;
    std::string from_queue;
    uint64_t count = 0;
    bool operator==(const Group&) const = default;
  };
  std::vector<Group> groups;  // by service, then from_queue
  bool operator==(const MisroutesReport&) const = default;
};

// Registers the model behind MisroutesReport (checkpoint name "misroutes").
void RegisterMisroutes(ModelRegistry& registry);

}  // namespace tl::projections
