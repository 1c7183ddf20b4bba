// Response times (docs/api.md `GET /api/v1/reports/response-times`): per ticket, the first response
// (first reply minus creation; the acknowledgement is not a reply) and, while the ticket is
// resolved, its resolution time (time in new or open before the latest resolution, kept by
// ledger::TicketState). Its model keeps cells by creation day/month x current service x queue x
// category holding the sorted values, so percentiles are exact nearest-rank over any window
// (response_times.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

// Reads window, service, queue, category (nullopt: all) and group_by (service, queue, month).
struct ResponseTimesReport {
  struct Group {
    std::string key;  // the service's or queue's name, or the creation month (YYYY-MM)
    uint64_t tickets = 0;
    DurationStats first_response;  // with `pending`: tickets without a reply yet
    DurationStats resolution;      // of the tickets resolved now
    bool operator==(const Group&) const = default;
  };
  std::vector<Group> groups;  // by key; a group without tickets is absent
  bool operator==(const ResponseTimesReport&) const = default;
};

// Registers the model behind ResponseTimesReport (checkpoint name "response_times").
void RegisterResponseTimes(ModelRegistry& registry);

}  // namespace tl::projections
