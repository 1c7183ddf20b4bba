#include "ledger/domain/commands.h"

#include "ledger/domain/overloaded.h"

namespace tl::ledger {
std::string_view ActionName(const TicketAction& action) {
  return std::visit(
      Overloaded{
          [](const Reply&) { return "reply"; },
          [](const RequesterMessage&) { return "requester_message"; },
          [](const Comment&) { return "comment"; },
          [](const Stall&) { return "stall"; },
          [](const Resume&) { return "open"; },
          [](const Assign&) { return "assign"; },
          [](const Unassign&) { return "unassign"; },
          [](const Move&) { return "move"; },
          [](const Update&) { return "update"; },
          [](const Resolve&) { return "resolve"; },
          [](const Reopen&) { return "reopen"; },
          [](const InviteFeedback&) { return "feedback_invited"; },
          [](const GiveFeedback&) { return "feedback"; },
          [](const RecordMail& a) {
            return EventTypeName(std::visit([](const auto& r) { return Payload(r); }, a.record))
                .data();  // EventTypeName's names are literals
          },
      },
      action);
}

}  // namespace tl::ledger
