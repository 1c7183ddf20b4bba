// RunImport: one source log into the ledger, every row accounted for (docs/import.md).
//
// Reads the whole input (rows of a log fit in memory; the largest shipped log is 140 k rows),
// groups rows by case, orders each case by time, merges duplicates, derives queue membership,
// translates each case, defines the queues and services it needs, then appends the tickets'
// requests in source-time order in bulk. Event ids derive from the source rows, so a re-run
// appends nothing and a run cut short resumes where it stopped.
#pragma once

#include <string>
#include <vector>

#include "ledger/result.h"
#include "tools/import/reconciliation.h"

namespace tl::tools::import {

struct ImportOptions {
  std::string data_dir;
  std::string format;  // "csv" or "xes"
  std::string mapping_path;
  std::string input_path;
  std::string actor = "importer";  // recorded_by of every event, actor of reference data
  std::string rejects_path;        // if set: a CSV of every row not imported, and why
  size_t chunk = 2048;             // requests per AppendBatch (and per commit)
  bool progress = true;            // progress lines on stderr
  // Fault injection for the resume test: after this many ticket requests are durable, the
  // process ends at once (std::_Exit(137)), as if killed between two commits. 0 = never.
  uint64_t crash_after = 0;
};

// The summary, also when some rows were refused by the ledger (`failed`, with the first
// refusals in `errors`). Errors: kBadField / kMissingField for a bad mapping or input,
// kUnavailable when a file or the log cannot be opened or written.
Result<Reconciliation> RunImport(const ImportOptions& options, std::vector<std::string>* errors);

}  // namespace tl::tools::import
