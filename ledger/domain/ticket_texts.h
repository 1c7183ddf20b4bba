// The personal texts a ticket's state shows (docs/api.md, "Personal data and erasure"): its
// requester, subject, the solution of its latest resolution, what its latest stall awaits and
// its latest feedback's comment. Folded from the same events as TicketState, by a function of
// its own, so that the read models can keep the state without them (docs/projections.md, "What
// the read models do not keep"): the texts are read from the log, where they are sealed, when a
// request shows them (projections::TicketTextsOf).
//
// Each field is the value the latest event that sets it carried; whether it is shown is the
// state's business (the solution only while resolved, `awaiting` only while stalled, the
// comment only with a feedback), so TicketTexts need not follow the status.
#pragma once

#include <string>

#include "ledger/domain/event.h"

namespace tl::ledger {

struct TicketTexts {
  std::string requester;
  std::string subject;
  std::string solution;
  std::string awaiting;
  std::string feedback_comment;
  bool operator==(const TicketTexts&) const = default;
};

// Folds one event of the ticket's stream into its texts (events in version order). Events
// other than those that carry a text leave them as they are; personal_data_erased empties them
// all (an erased field reads back empty from the log anyway).
void ApplyToTicketTexts(TicketTexts& texts, const Event& event);

// Whether an event of this payload can change a ticket's texts: the events worth reading when
// only the texts are wanted.
bool CarriesTicketTexts(const Payload& payload);

}  // namespace tl::ledger
