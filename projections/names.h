// Names: interned strings (services, queues, owners, keywords), so that aggregates key on small
// integers instead of strings. Id 0 is always the empty string (an unowned ticket's owner, a
// group field a model does not split by). Ids are assigned in first-seen order and are an in-memory
// detail: nothing outside one Projections object may see them, checkpoints store the strings, and
// every output orders by the strings, so two objects that interned in different orders answer
// alike.
//
// Not thread-safe: the owner (Projections) serialises Intern against readers.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tl::projections {

using NameId = uint32_t;

class Names {
 public:
  Names() { Intern(""); }
  Names(const Names&) = delete;
  Names& operator=(const Names&) = delete;

  NameId Intern(std::string_view name);
  std::optional<NameId> Find(std::string_view name) const;
  const std::string& Get(NameId id) const { return strings_[id]; }

 private:
  std::deque<std::string> strings_;  // a deque keeps the strings the map's keys view in place
  std::unordered_map<std::string_view, NameId> ids_;
};

}  // namespace tl::projections
