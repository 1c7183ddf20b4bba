// Translator: one case's source rows -> the ledger requests that record what happened.
//
// The importer does not go through the live rules (ledger::Decide*): history may break them,
// and is recorded as it happened. Each stream still follows ledger::ApplyToTicket's state
// machine, which the translator runs on every event it makes and consults for every decision.
// For each readable, non-duplicate row in time order it compares what the row says with the
// ticket's state and emits, in this order: the opening (first imported row), a reopen (an
// active status asked of a resolved ticket), a move, an assignment or unassignment, an update
// of service/category/description/requester, then the status change the row's rule asks for.
// A row that changes nothing is skipped with the reason. docs/import.md has the full table.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "ledger/event_log.h"
#include "tools/import/mapping.h"
#include "tools/import/membership.h"
#include "tools/import/source_row.h"

namespace tl::tools::import {

// What became of one source row. Every row ends in exactly one of the final kinds.
struct RowFate {
  enum class Kind : uint8_t { kPending, kImported, kDuplicate, kSkipped, kFailed };
  Kind kind = Kind::kPending;
  std::string reason;  // for kSkipped (why) and kFailed (the ledger's refusal)
};

// One source row's request: the events it adds to its ticket.
struct PlannedRequest {
  uint32_t row = 0;
  ledger::TimeNs time = 0;
  bool opens = false;                  // the first event is the ticket's opening
  ledger::Version version_before = 0;  // the ticket's version before this request
  std::vector<ledger::EventDraft> events;
};

struct CasePlan {
  std::string case_id;
  ledger::TimeNs opened_at = 0;
  ledger::EventId opened_id;
  std::vector<PlannedRequest> requests;  // in time order; empty: no row could be imported
};

// The id of a case's opening event: the source and the case id, so a re-run (or the other
// form of the same log) finds the ticket it created.
ledger::EventId CaseOpenedId(std::string_view source, std::string_view case_id);

class Translator {
 public:
  // `membership` must outlive the translator; `recorded_by` is the importer's name.
  Translator(const Mapping& mapping, const Membership& membership, std::string recorded_by);

  // `case_rows` are indexes into `rows`: one case's readable, non-duplicate rows in time order.
  // Sets the fate of each (imported or skipped).
  CasePlan Translate(const std::vector<SourceRow>& rows, const std::vector<uint32_t>& case_rows,
                     std::vector<RowFate>& fates);

  // Every queue and service the plans so far name (to define them first).
  const std::set<std::string>& queues() const { return queues_; }
  const std::set<std::string>& services() const { return services_; }

 private:
  const Mapping& mapping_;
  const Membership& membership_;
  std::string recorded_by_;
  std::set<std::string> queues_, services_;
};

}  // namespace tl::tools::import
