#include "ledger/domain/personal_fields.h"

#include "ledger/domain/overloaded.h"

namespace tl::ledger {

void ForEachPersonalField(Payload& payload,
                          const std::function<void(std::string_view, std::string&)>& visit) {
  std::visit(Overloaded{
                 [&](TicketOpened& p) {
                   visit("requester", p.requester);
                   visit("subject", p.subject);
                 },
                 [&](Replied& p) { visit("body", p.body); },
                 [&](RequesterMessaged& p) { visit("body", p.body); },
                 [&](Commented& p) { visit("body", p.body); },
                 [&](Stalled& p) { visit("awaiting", p.awaiting); },
                 [&](Moved& p) { visit("reason", p.reason); },
                 [&](Updated& p) {
                   if (p.requester) visit("requester", *p.requester);
                   if (p.subject) visit("subject", *p.subject);
                 },
                 [&](Resolved& p) { visit("solution", p.solution); },
                 [&](Reopened& p) { visit("reason", p.reason); },
                 [&](FeedbackReceived& p) { visit("comment", p.comment); },
                 // Mail events name the requester's address, and a relay's or a delivery
                 // report's diagnostic usually repeats it.
                 [&](MailSent& p) { visit("to", p.to); },
                 [&](MailFailed& p) {
                   visit("to", p.to);
                   visit("reason", p.reason);
                 },
                 [&](MailBounced& p) {
                   for (std::string& recipient : p.recipients) visit("recipients", recipient);
                   visit("detail", p.detail);
                 },
                 [](auto&) {},
             },
             payload);
}

bool HasPersonalFields(const Payload& payload) {
  bool any = false;
  // The visit only reads; the cast lets one list serve both.
  ForEachPersonalField(const_cast<Payload&>(payload),
                       [&](std::string_view, std::string&) { any = true; });
  return any;
}

}  // namespace tl::ledger
