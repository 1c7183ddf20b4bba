#include "projections/ticket_texts.h"

namespace tl::projections {

using namespace tl::ledger;

Result<TicketTexts> TicketTextsOf(const EventLog& log, TicketId id, Version up_to) {
  TL_ASSIGN_OR_RETURN(auto events, log.ReadStream(StreamId::Ticket(id), up_to));
  TicketTexts texts;
  for (const StoredEvent& stored : events) ApplyToTicketTexts(texts, stored.event);
  return texts;
}

Result<TicketTexts> TicketTextsOf(const EventLog& log, const TicketState& state) {
  if (!state.exists() || state.erased) return TicketTexts{};
  return TicketTextsOf(log, state.id, state.version);
}

Result<std::vector<TicketTexts>> TicketTextsOf(const EventLog& log,
                                               const std::vector<TicketState>& states) {
  std::vector<TicketTexts> out;
  out.reserve(states.size());
  for (const TicketState& state : states) {
    TL_ASSIGN_OR_RETURN(auto texts, TicketTextsOf(log, state));
    out.push_back(std::move(texts));
  }
  return out;
}

}  // namespace tl::projections
