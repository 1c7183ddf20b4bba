// Reconciliation: where every source row went, and what the ledger gained. The summary the
// importer prints at the end, as text or JSON (the keys are documented in docs/import.md).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ledger/domain/status.h"
#include "tools/import/source_row.h"

namespace tl::tools::import {

// What became of one source row. Every row ends in exactly one of the final kinds.
struct RowFate {
  enum class Kind : uint8_t { kPending, kImported, kDuplicate, kSkipped, kFailed };
  Kind kind = Kind::kPending;
  std::string reason;  // for kSkipped (why) and kFailed (the ledger's refusal)
};

struct Reconciliation {
  std::string source, format, input;

  // Rows: each counted in exactly one of imported, duplicates, skipped and failed.
  uint64_t rows = 0;
  uint64_t imported = 0;    // their events are in the ledger (appended now or by an earlier run)
  uint64_t duplicates = 0;  // merged: the same content as an earlier row of the case
  uint64_t skipped = 0;     // with a reason, counted in skip_reasons
  uint64_t failed = 0;      // the ledger refused the row's append (an error; see the messages)
  std::map<std::string, uint64_t> skip_reasons;
  uint64_t reordered = 0;  // rows that came before an earlier-timed row of their case

  // Cases and tickets.
  uint64_t cases = 0;
  uint64_t tickets_created = 0;       // opened by this run
  uint64_t tickets_existing = 0;      // opened by an earlier run of the same source
  uint64_t cases_without_ticket = 0;  // every row of the case was skipped

  // Events.
  uint64_t events_appended = 0;
  uint64_t events_existing = 0;  // idempotent re-run: already in the ledger
  uint64_t queues_defined = 0;   // queue_defined events appended
  uint64_t services_defined = 0;

  // Wall-clock seconds: the whole run, and its phases: reading and parsing the input; grouping,
  // ordering, merging duplicates, deriving membership and numbering tickets; opening the
  // ledger; translating and appending (the two overlap: one chunk commits while the next is
  // translated).
  double seconds = 0;
  double read_seconds = 0, open_seconds = 0, prepare_seconds = 0, append_seconds = 0;

  // Counts the rows by fate (a row still pending counts nowhere, and Balanced() says so).
  void Tally(const std::vector<RowFate>& fates);
  bool Balanced() const { return imported + duplicates + skipped + failed == rows; }
  double RowsPerSecond() const { return seconds > 0 ? rows / seconds : 0; }
  std::string ToText() const;
  boost::json::object ToJson() const;
};

// Writes every row that was not imported as CSV: row (its ordinal), case, fate, reason.
Status WriteRejects(const std::string& path, const SourceRows& rows,
                    const std::vector<RowFate>& fates);

}  // namespace tl::tools::import
