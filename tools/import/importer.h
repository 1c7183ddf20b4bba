// RunImport: source logs into the ledger, every row accounted for (docs/import.md).
//
// Reads a whole input (rows of a log fit in memory; the largest shipped log is 140 k rows),
// groups rows by case, orders each case by time, merges duplicates, derives queue membership,
// translates each case, defines the queues and services it needs, then appends the tickets'
// requests in source-time order in bulk. Event ids derive from the source rows, so a re-run
// appends nothing and a run cut short resumes where it stopped.
//
// Several sources are imported one after another into one open ledger, each exactly as it
// would be on its own; the next is read while the one before it is appended.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/store/table_compression.h"
#include "tools/import/prepared_source.h"
#include "tools/import/reconciliation.h"

namespace tl::tools::import {

struct ImportOptions {
  std::string data_dir;
  std::string master_key;  // the master key file (empty: <data_dir>/master.key; docs/privacy.md)
  std::vector<ImportSource> sources;  // imported in this order
  std::string actor = "importer";     // recorded_by of every event, actor of reference data
  std::string rejects_path;  // if set (one source only): a CSV of every row not imported, and why
  size_t chunk = 2048;       // requests per AppendBatch (and per commit)
  bool progress = true;      // progress lines on stderr
  // How the log's table files written by this import are compressed (docs/operations.md).
  ledger::TableCompression log_compression = ledger::TableCompression::kNone;
  // Fault injection for the resume test: after this many ticket requests of a source are
  // durable, the process ends at once (std::_Exit(137)), as if killed between two commits.
  // 0 = never.
  uint64_t crash_after = 0;
};

// Told about each source in order: its summary, also when some rows were refused by the
// ledger (`failed`, with the first refusals in `refusals`), or the error that stopped it.
using SourceDone = std::function<void(size_t index, const Result<Reconciliation>& summary,
                                      const std::vector<std::string>& refusals)>;

// Imports options.sources in order and returns the first error (after telling `done` about
// it); the sources after it are not imported, those before it stay imported. Errors:
// kBadField / kMissingField for a bad option, mapping or input (every mapping is checked before
// anything is appended; a source whose input turns out unreadable appends nothing of it),
// kUnavailable when a file or the log cannot be opened or written, kInternal when the ledger
// refused a queue or service definition.
Status RunImport(const ImportOptions& options, const SourceDone& done);

}  // namespace tl::tools::import
