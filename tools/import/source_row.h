// SourceRow: a record reduced to what the mapping reads, with its identity. RowProjector does
// the reduction; it is the only place that looks up columns by name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/types.h"
#include "tools/import/mapping.h"
#include "tools/import/record.h"

namespace tl::tools::import {

struct SourceRow {
  uint64_t ordinal = 0;  // the record's position in the input
  // Stable identity: derived from the source name and every non-empty (column, value) pair,
  // in column-name order, so it does not depend on line numbers or column order, and a log's
  // CSV flattening and its XES original give their rows the same identity. Equal identities
  // mean equal rows: the later ones are duplicates. Its first 48 bits are the row's time in
  // Unix milliseconds (when it has one), so that an import, which appends in time order,
  // writes the event-id index near its end.
  ledger::EventId id;
  std::string case_id;
  ledger::TimeNs time = 0;
  std::string problem;  // non-empty: the row cannot be imported (malformed, bad timestamp, ...)
  std::vector<int64_t> order;  // the order_by columns (non-numbers sort first)
  std::string activity;
  std::string actor;            // the actor column's value, or the mapping's default
  bool actor_recorded = false;  // false: `actor` is the default, not a person of the source
  // The rest: empty (nullopt) = not recorded in this row. The translator applies the mapping's
  // defaults where a ticket needs a value (opening), and keeps the current value otherwise.
  std::string opened_by;
  std::string owner;
  std::string queue;
  std::string service;
  std::string description;
  std::string requester;
  std::optional<ledger::Category> category;
  std::optional<ledger::Channel> channel;
};

// The rows of one source, in chunks that never move. A source's row count is known only once
// it is read; a std::vector grown row by row copies every row at each doubling, and each
// larger copy is fresh memory the kernel must zero first. perf showed 43 % of the uci
// reader's time in clear_page_erms, on the import's critical path; these chunks removed the
// copies' share of it (page faults of the whole import: 2.2 k -> 1.6-1.8 k). Most of what
// remains is malloc touching new memory for the rows' strings, which no container avoids.
class SourceRows {
 public:
  void push_back(SourceRow row) {
    if (size_ % kChunkRows == 0) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunkRows);
    }
    chunks_.back().push_back(std::move(row));
    ++size_;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const SourceRow& operator[](size_t i) const { return chunks_[i / kChunkRows][i % kChunkRows]; }

 private:
  static constexpr size_t kChunkRows = 4096;
  std::vector<std::vector<SourceRow>> chunks_;
  size_t size_ = 0;
};

class RowProjector {
 public:
  explicit RowProjector(const Mapping& mapping) : mapping_(mapping) {}

  // Reduces one record. Never fails: a row that cannot be read says why in `problem`.
  SourceRow Project(const Record& record);

  // Columns the mapping reads that the input's first record did not have (a likely mistake in
  // the mapping; reported before importing anything).
  std::vector<std::string> MissingColumns(const Record& record) const;

 private:
  struct Columns;  // column positions for one list of names
  void Compile(const Record& record);
  // The field's value in this record after `map`, or "" when not recorded (no default).
  std::string Value(const FieldSpec& spec, const Record& record,
                    const std::vector<int>& positions) const;

  const Mapping& mapping_;
  uint64_t compiled_schema_ = 0;  // Record::schema the positions below are for; 0 = none
  // Positions (-1 = absent) of each column a field reads.
  int case_pos_ = -1, time_pos_ = -1;
  std::vector<int> order_pos_, activity_pos_, actor_pos_, opened_by_pos_, owner_pos_, queue_pos_,
      service_pos_, category_pos_, description_pos_, requester_pos_, channel_pos_;
  std::vector<size_t> by_name_;  // record positions sorted by column name (identity)
  std::string canonical_;        // scratch
};

}  // namespace tl::tools::import
