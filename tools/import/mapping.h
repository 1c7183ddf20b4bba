// Mapping: how one source log becomes ledger history (docs/import.md describes the file).
//
// A mapping file is JSON (comments allowed) naming the source's columns for the case, the
// timestamp (format and zone), the activity, the actor, the owner, the queue, the service, the
// category, the description, the requester and the channel (each a column, columns, or a
// constant), and a table from activity (event mode) or state (snapshot mode) to what it means
// for the ticket. Columns that leak future values are listed with the reason, and the loader
// refuses a mapping that reads one.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/domain/types.h"
#include "tools/import/timestamp.h"

namespace tl::tools::import {

// Event mode: one row is one action. Snapshot mode: one row is the whole record after an
// update, and the changes are derived from consecutive rows of a case.
enum class Mode { kEvent, kSnapshot };

// What a row's activity (or state) asks of the ticket's status.
enum class TargetStatus {
  kKeep,      // nothing (the row may still move, assign or update)
  kActive,    // new stays new; stalled resumes; resolved reopens
  kOpen,      // new and stalled become open; resolved reopens
  kStalled,   // stalled, awaiting the rule's text; resolved reopens first
  kResolved,  // resolved, unless it already is (no second resolution)
  kComment,   // an internal comment naming the activity; status unchanged
};

// Who owns the ticket after the row.
enum class OwnerSource {
  kKeep,    // the row says nothing about the owner
  kActor,   // the row's actor takes it
  kColumn,  // the owner column's value; a missing value means unowned
  kNone,    // nobody (e.g. queued, awaiting assignment)
};

struct ActivityRule {
  TargetStatus status = TargetStatus::kKeep;
  OwnerSource owner = OwnerSource::kKeep;
  bool takes_queue = true;  // whether the row's queue column counts for this activity
  std::string awaiting;     // for kStalled; empty = the activity itself
  std::string skip;         // non-empty: rows with this activity are skipped for this reason
};

// A value taken from the row: the first present column's value, or the present columns'
// values joined with ", " when `join` is set, or a constant; then translated through `map`
// when the map has the value; `fallback` when nothing is present.
struct FieldSpec {
  std::vector<std::string> columns;
  std::optional<std::string> constant;
  bool join = false;
  std::map<std::string, std::string, std::less<>> map;
  std::string fallback;
  bool defined() const { return constant.has_value() || !columns.empty(); }
};

struct Mapping {
  std::string source;  // names the log: event ids derive from it (CSV and XES forms share it)
  Mode mode = Mode::kEvent;
  char delimiter = ',';
  std::string case_column;
  std::string time_column;
  TimestampParser time;
  std::vector<std::string> order_by;  // numeric tie-breakers after the timestamp
  std::vector<std::string> activity_columns;
  std::string activity_separator = "/";
  FieldSpec actor, opened_by, owner, queue, service, category, description, requester, channel;
  std::set<std::string, std::less<>> missing_values;  // values that mean "not recorded"
  std::set<std::string, std::less<>> first_line_queues;
  std::map<std::string, std::string> leaking_columns;  // column -> why it must not be read
  std::map<std::string, ActivityRule, std::less<>> activities;

  // Every column the mapping reads (for validation against the input's names).
  std::vector<std::string> ReadColumns() const;
};

// kBadField naming the problem (unknown key, bad value, a leaking column read, ...);
// kUnavailable when the file cannot be read.
Result<Mapping> LoadMapping(const std::string& path);
Result<Mapping> ParseMapping(std::string_view json_text);

}  // namespace tl::tools::import
