#include "projections/ticket_texts.h"

#include <fmt/format.h>

#include <algorithm>

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
  const TextSeqs& at = state.text_seqs;
  if (at.opened.is_zero()) return TicketTextsOf(log, state.id, state.version);
  // Only the events that set the texts shown, in log order: the opening first, then each later
  // one overrides what it carries (a ticket's stream is in seq order).
  std::vector<Seq> seqs;
  for (Seq seq : {at.opened, at.requester, at.subject, at.stalled, at.resolved, at.feedback}) {
    if (!seq.is_zero()) seqs.push_back(seq);
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  TicketTexts texts;
  for (Seq seq : seqs) {
    TL_ASSIGN_OR_RETURN(StoredEvent stored, log.ReadOne(seq));
    if (!(stored.event.stream == StreamId::Ticket(state.id)) ||
        stored.event.version > state.version) {
      return Status::DataLoss(fmt::format("seq {}: not an event of ticket {} up to version {}", seq,
                                          state.id, state.version));
    }
    ApplyToTicketTexts(texts, stored.event);
  }
  return texts;
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
