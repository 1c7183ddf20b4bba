// Record: one source row as its readers see it, before any mapping: named values.
//
// CSV records share one `names` vector (the header); an XES event names its own attributes,
// with the trace's attributes prefixed "case:" as the usual XES-to-CSV flattening does, so that
// one mapping reads both forms of a log. Views are valid only during the callback that
// receives the record.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/status.h"

namespace tl::tools::import {

struct Record {
  uint64_t ordinal = 0;  // 1-based position among the input's records (header excluded)
  // Records with equal `schema` have equal `names` (so a consumer may look columns up once).
  uint64_t schema = 0;
  const std::vector<std::string>* names = nullptr;
  std::vector<std::string_view> values;  // values[i] belongs to (*names)[i]
  // Set when the reader could not split the record as its header says (kept, not dropped, so
  // that the row is accounted for).
  std::string malformed;
  // Bytes of the input file consumed by about the time this record was read (for progress
  // and size estimates); 0 when unknown.
  uint64_t input_position = 0;
};

// Receives each record in input order; an error stops the reading with that error.
using RecordSink = std::function<Status(const Record&)>;

}  // namespace tl::tools::import
