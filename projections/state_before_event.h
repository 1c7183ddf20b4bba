// The state a fold hands its read models as "the ticket before the event" (Change::before):
// the ticket's state without the free text no aggregate reads.
//
// Copying a whole TicketState per event was most of the fold's per-ticket cost: each of its
// strings is a heap block of a ticket that comes in no order, i.e. a cache miss per string per
// event (perf, callgrind). The aggregates read the status, the groups, the owner and the times,
// never the external reference or the children (the state holds no personal texts at all:
// ledger/domain/ticket_texts.h); they need the old description only when the event changes it.
#pragma once

#include "ledger/domain/event.h"
#include "ledger/domain/ticket_state.h"

namespace tl::projections {

// `to` becomes `from` (the ticket just before `event`) with external_ref and children empty,
// and the description empty
// unless `event` may change it. Returns whether it may (then `to` holds the old description).
// Reuses `to`'s buffers: no allocation in the steady state.
bool CopyBeforeEvent(const ledger::TicketState& from, const ledger::Event& event,
                     ledger::TicketState& to);

}  // namespace tl::projections
