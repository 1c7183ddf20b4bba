#include "ledger/domain/event.h"

#include "ledger/domain/overloaded.h"

namespace tl::ledger {
std::string_view EventTypeName(const Payload& payload) {
  return std::visit(Overloaded{
                        [](const TicketOpened&) { return "opened"; },
                        [](const Acknowledged&) { return "acknowledged"; },
                        [](const Replied&) { return "replied"; },
                        [](const RequesterMessaged&) { return "requester_messaged"; },
                        [](const Commented&) { return "commented"; },
                        [](const StatusChanged&) { return "status_changed"; },
                        [](const Stalled&) { return "stalled"; },
                        [](const Resumed&) { return "resumed"; },
                        [](const Assigned&) { return "assigned"; },
                        [](const Unassigned&) { return "unassigned"; },
                        [](const Moved&) { return "moved"; },
                        [](const Updated&) { return "updated"; },
                        [](const Resolved&) { return "resolved"; },
                        [](const Reopened&) { return "reopened"; },
                        [](const FeedbackInvited&) { return "feedback_invited"; },
                        [](const FeedbackReceived&) { return "feedback_received"; },
                        [](const ChildLinked&) { return "child_linked"; },
                        [](const QueueDefined&) { return "queue_defined"; },
                        [](const ServiceDefined&) { return "service_defined"; },
                        [](const PersonalDataErased&) { return "personal_data_erased"; },
                        [](const MailSent&) { return "mail_sent"; },
                        [](const MailFailed&) { return "mail_failed"; },
                        [](const MailBounced&) { return "mail_bounced"; },
                    },
                    payload);
}

std::string_view MailKindName(MailKind kind) {
  switch (kind) {
    case MailKind::kAcknowledgement:
      return "acknowledgement";
    case MailKind::kReply:
      return "reply";
    case MailKind::kFeedbackInvitation:
      return "feedback_invitation";
  }
  return "unknown";
}

}  // namespace tl::ledger
