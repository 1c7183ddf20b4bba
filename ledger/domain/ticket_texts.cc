#include "ledger/domain/ticket_texts.h"

namespace tl::ledger {

void ApplyToTicketTexts(TicketTexts& texts, const Event& e) {
  if (const auto* opened = std::get_if<TicketOpened>(&e.payload)) {
    texts = TicketTexts{};
    texts.requester = opened->requester;
    texts.subject = opened->subject;
  } else if (const auto* updated = std::get_if<Updated>(&e.payload)) {
    if (updated->requester) texts.requester = *updated->requester;
    if (updated->subject) texts.subject = *updated->subject;
  } else if (const auto* stalled = std::get_if<Stalled>(&e.payload)) {
    texts.awaiting = stalled->awaiting;
  } else if (const auto* resolved = std::get_if<Resolved>(&e.payload)) {
    texts.solution = resolved->solution;
  } else if (const auto* feedback = std::get_if<FeedbackReceived>(&e.payload)) {
    texts.feedback_comment = feedback->comment;
  } else if (std::holds_alternative<PersonalDataErased>(e.payload)) {
    texts = TicketTexts{};
  }
}

bool CarriesTicketTexts(const Payload& payload) {
  return std::holds_alternative<TicketOpened>(payload) ||
         std::holds_alternative<Updated>(payload) || std::holds_alternative<Stalled>(payload) ||
         std::holds_alternative<Resolved>(payload) ||
         std::holds_alternative<FeedbackReceived>(payload) ||
         std::holds_alternative<PersonalDataErased>(payload);
}

}  // namespace tl::ledger
