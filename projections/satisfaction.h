// Satisfaction (docs/api.md `GET /api/v1/reports/satisfaction`), every category: per current
// service or queue, the tickets with feedback and their mean score (a ticket's latest feedback),
// the feedback invitations and those sent within 2 h of the latest resolution before them. Its
// model keeps each ticket's invitation counts so they follow it between groups
// (satisfaction.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

// Reads window and group_by (service, queue).
struct SatisfactionReport {
  struct Group {
    std::string key;
    uint64_t feedback = 0;
    std::optional<double> mean_score;  // nullopt without feedback
    uint64_t invited = 0;
    uint64_t invited_within_2h = 0;
    std::optional<double> invited_within_2h_share;  // nullopt without invitations
    bool operator==(const Group&) const = default;
  };
  std::vector<Group> groups;  // by key; a group with neither feedback nor invitations is absent
  bool operator==(const SatisfactionReport&) const = default;
};

// Registers the model behind SatisfactionReport (checkpoint name "satisfaction").
void RegisterSatisfaction(ModelRegistry& registry);

}  // namespace tl::projections
