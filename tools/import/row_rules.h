// What one source row says about its ticket under a mapping, shared by the membership
// derivation and the translator so that both read a row the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tools/import/mapping.h"
#include "tools/import/source_row.h"

namespace tl::tools::import {

// The rule of the row's activity (or state); null when the mapping does not know it.
const ActivityRule* FindRule(const Mapping& mapping, const SourceRow& row);

// The owner the row names: nullopt when it says nothing about the owner, "" for nobody.
std::optional<std::string> RowOwner(const ActivityRule& rule, const SourceRow& row);

// The queue the row puts its ticket in; empty when it says nothing (no value, or the rule
// does not take the queue column).
std::string_view RowQueue(const ActivityRule& rule, const SourceRow& row);

// The value, or the mapping's default when the row has none.
inline const std::string& OrDefault(const std::string& value, const FieldSpec& spec) {
  return value.empty() ? spec.fallback : value;
}

}  // namespace tl::tools::import
