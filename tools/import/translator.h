// Translator: a case's source rows, one by one -> the ledger events that record what happened.
//
// The importer does not go through the live rules (ledger::Decide*): history may break them,
// and is recorded as it happened. Each stream still follows ledger::ApplyToTicket's state
// machine, which the translator runs on every event it makes and consults for every decision.
// For each readable, non-duplicate row of a case in time order it compares what the row says
// with the ticket's state and emits, in this order: the opening (first imported row), a
// reopen (an active status asked of a resolved ticket), a move, an assignment or
// unassignment, an update of service/category/description/requester, then the status change
// the row's rule asks for. A row that changes nothing is skipped with the reason.
// docs/import.md has the full table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/domain/ticket_state.h"
#include "ledger/domain/ticket_texts.h"
#include "ledger/store/event_log.h"
#include "tools/import/mapping.h"
#include "tools/import/membership.h"
#include "tools/import/source_row.h"

namespace tl::tools::import {

// One case as translation goes: the ticket's state after the rows so far.
struct CaseState {
  ledger::TicketState ticket;  // folded with ledger::ApplyToTicket; version 0 = not opened
  ledger::TicketTexts texts;   // folded with ledger::ApplyToTicketTexts
  ledger::TicketId id{};       // assigned before translation; 0 = no row opens the ticket
};

// The id of a case's opening event: the source and the case id, so a re-run (or the other
// form of the same log) finds the ticket it created; behind the time of the row that opens
// it, like every imported row's id (see SourceRow::id).
ledger::EventId CaseOpenedId(std::string_view source, std::string_view case_id,
                             ledger::TimeNs opened_at);

class Translator {
 public:
  // `membership` must outlive the translator; `recorded_by` is the importer's name.
  Translator(const Mapping& mapping, const Membership& membership, std::string recorded_by);

  // Translates the next row of a case (rows of a case come in time order, readable and not
  // duplicates). Returns the row's events, or none and the reason it is skipped. The first row
  // whose activity has a rule opens the ticket (see OpensTicket).
  std::vector<ledger::EventDraft> TranslateRow(CaseState& state, const SourceRow& row,
                                               std::string* skip_reason) const;

  // Whether TranslateRow would open the ticket with this row, were it the case's first so far.
  bool OpensTicket(const SourceRow& row) const;

 private:
  const Mapping& mapping_;
  const Membership& membership_;
  std::string recorded_by_;
};

}  // namespace tl::tools::import
