// PrepareSource: the part of an import that needs no ledger. Reads a source log into rows,
// groups them by case, orders each case by time, merges duplicate rows and derives queue
// membership. Because it touches
// no ledger, the next source of a multi-source import is prepared while the one before it is
// appended (importer.cc).
#pragma once

#include <string>
#include <vector>

#include "ledger/domain/result.h"
#include "tools/import/mapping.h"
#include "tools/import/membership.h"
#include "tools/import/reconciliation.h"
#include "tools/import/source_row.h"

namespace tl::tools::import {

// One source log to import: its format ("csv" or "xes"), mapping file and input path.
struct ImportSource {
  std::string format;
  std::string mapping_path;
  std::string input_path;
};

struct PreparedSource {
  Mapping mapping;
  SourceRows rows;
  std::vector<RowFate> fates;  // one per row; unreadable rows and duplicates already decided
  // Cases in order of first appearance; each its importable rows (indexes into `rows`) in time
  // order, without duplicates.
  std::vector<std::vector<uint32_t>> cases;
  // Who belongs to which queue by the source's rows; the ledger's own members are added when
  // the source is appended.
  Membership membership;
  // Filled so far: source, format, input, rows, cases, reordered, read and prepare seconds.
  Reconciliation rec;
};

// Errors: kBadField / kMissingField for an input the mapping cannot read (a missing column,
// malformed XML), kUnavailable for a file that cannot be opened or a cut-off gzip stream.
// `progress`: a progress line on stderr while reading.
Result<PreparedSource> PrepareSource(const ImportSource& source, Mapping mapping, bool progress);

}  // namespace tl::tools::import
