// Support volume (docs/api.md `GET /api/v1/reports/volume`): tickets per current service, queue and
// category by day, ISO week or month of creation, with the keywords of their descriptions. Its
// model keeps cells by creation day/month x group holding the ticket count and each keyword's
// count; a ticket's keywords move with it when its description, service, queue or category
// changes (support_volume.cc).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

// A description's keywords (docs/api.md): the comma- or semicolon-separated terms, trimmed of
// whitespace, lower-cased (ASCII and Latin-1 letters such as Æ, Ø, Å; other scripts stay as
// written), empty ones dropped, each once, in code-point order.
std::vector<std::string> DescriptionKeywords(std::string_view description);

// Reads window, category (nullopt: all), group_by (service, queue, category) and interval.
struct VolumeReport {
  struct Keyword {
    std::string keyword;
    uint64_t count = 0;
    bool operator==(const Keyword&) const = default;
  };
  struct Group {
    std::string key;
    uint64_t total = 0;
    // Tickets by creation interval key (YYYY-MM-DD, YYYY-Www, YYYY-MM), in key order.
    std::map<std::string, uint64_t> by_interval;
    // The ten most frequent keywords, by count, ties in code-point order.
    std::vector<Keyword> top_keywords;
    bool operator==(const Group&) const = default;
  };
  std::vector<Group> groups;  // by key
  bool operator==(const VolumeReport&) const = default;
};

// Registers the model behind VolumeReport (checkpoint name "volume").
void RegisterSupportVolume(ModelRegistry& registry);

}  // namespace tl::projections
