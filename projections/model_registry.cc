#include "projections/model_registry.h"

namespace tl::projections {

std::optional<size_t> ModelRegistry::IndexOfModel(std::type_index model) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].model == model) return i;
  }
  return std::nullopt;
}

std::optional<size_t> ModelRegistry::IndexOfReport(std::type_index report) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].report == report) return i;
  }
  return std::nullopt;
}

}  // namespace tl::projections
