#include "projections/names.h"

namespace tl::projections {

NameId Names::Intern(std::string_view name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<NameId>(strings_.size());
  const std::string& stored = strings_.emplace_back(name);
  ids_.emplace(std::string_view(stored), id);
  return id;
}

std::optional<NameId> Names::Find(std::string_view name) const {
  auto it = ids_.find(name);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

}  // namespace tl::projections
