// A ticket's personal texts, read from the log when a request shows them (docs/projections.md,
// "What the read models do not keep").
//
// The read models keep no requester, subject, solution, stall's `awaiting` or feedback comment:
// in memory and in their checkpoints those would outlive an erasure (docs/privacy.md). The log
// holds them sealed under the ticket's data key and opens them on reading (an erased field
// reads back empty), so this reads the ticket's stream up to the version of the state being
// shown and folds its texts (ledger::ApplyToTicketTexts): a page of a past list gets the texts
// it had then, and a state and its texts always belong together, even while a commit is being
// applied.
#pragma once

#include <vector>

#include "ledger/domain/result.h"
#include "ledger/domain/ticket_state.h"
#include "ledger/domain/ticket_texts.h"
#include "ledger/store/event_log.h"

namespace tl::projections {

// The texts of ticket `id` as of its version `up_to`, folded from its stream (erased fields
// read back empty).
Result<ledger::TicketTexts> TicketTextsOf(const ledger::EventLog& log, ledger::TicketId id,
                                          ledger::Version up_to);

// The texts of `state` (a state of the ticket folded from `log`, current or past, with the log's
// seqs): read from the few events state.text_seqs names (at most six, mostly two or three), or
// folded from the stream up to state.version when it names none. Empty for a ticket that does
// not exist or whose personal data was erased, without reading the log. Not for a state whose
// seqs were renumbered (a fold with Options::occurred_by): use the (id, version) form.
Result<ledger::TicketTexts> TicketTextsOf(const ledger::EventLog& log,
                                          const ledger::TicketState& state);

// The same for each of `states`, in their order.
Result<std::vector<ledger::TicketTexts>> TicketTextsOf(
    const ledger::EventLog& log, const std::vector<ledger::TicketState>& states);

}  // namespace tl::projections
