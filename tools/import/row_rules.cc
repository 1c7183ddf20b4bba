#include "tools/import/row_rules.h"

namespace tl::tools::import {

const ActivityRule* FindRule(const Mapping& mapping, const SourceRow& row) {
  auto it = mapping.activities.find(row.activity);
  return it == mapping.activities.end() ? nullptr : &it->second;
}

std::optional<std::string> RowOwner(const ActivityRule& rule, const SourceRow& row) {
  switch (rule.owner) {
    case OwnerSource::kKeep:
      return std::nullopt;
    case OwnerSource::kActor:
      // A row without a person does not hand the ticket to "(unknown)".
      if (!row.actor_recorded) return std::nullopt;
      return row.actor;
    case OwnerSource::kColumn:
      return row.owner;
    case OwnerSource::kNone:
      return std::string();
  }
  return std::nullopt;
}

std::string_view RowQueue(const ActivityRule& rule, const SourceRow& row) {
  return rule.takes_queue ? std::string_view(row.queue) : std::string_view();
}

}  // namespace tl::tools::import
