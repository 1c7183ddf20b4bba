// The ticket rules of docs/domain.md as pure functions: (state, command, time) -> events, or the
// docs/api.md code of the rule the command breaks. No I/O, no clock: the caller passes the time the
// action happened. Field checks (400) come first, then time, then the ticket's status (422).
#pragma once

#include <optional>
#include <vector>

#include "ledger/domain/commands.h"
#include "ledger/domain/event.h"
#include "ledger/domain/ticket_state.h"

namespace tl::ledger {

// The events of a new ticket: opened, plus acknowledged when it arrives at a first-line queue.
// `parent` is the parent's state when the command names one (nullptr when it does not exist).
Result<std::vector<Payload>> DecideOpen(const OpenTicket& command, const ReferenceData& reference,
                                        const TicketState* parent, TimeNs occurred_at);

// The events of an action on an existing ticket.
Result<std::vector<Payload>> DecideAction(const TicketState& ticket, const ReferenceData& reference,
                                          const TicketAction& action, TimeNs occurred_at);

// The event that defines a queue or service; std::nullopt when it would change nothing.
Result<std::optional<Payload>> DecideQueue(const DefineQueue& command,
                                           const ReferenceData& reference);
Result<std::optional<Payload>> DecideService(const DefineService& command,
                                             const ReferenceData& reference);

// Whether a string is empty or only whitespace (a "blank" solution, awaiting, ...).
bool IsBlank(std::string_view text);

}  // namespace tl::ledger
