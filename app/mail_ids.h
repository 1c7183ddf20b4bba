// The Message-IDs of the mail the ledger sends, and the settings intake and the outbox share.
//
// A sent message's Message-ID is a function of the event it is derived from (docs/mail.md):
// "tl.<ticket>.<seq>@<domain>", where seq is the source event's (the `acknowledged`,
// `replied` or `feedback_invited`). So a retry, a restart or another process sends the same id,
// and intake finds the ticket a reply refers to from the id alone, without an index.
//
// Thread-safety: pure functions and values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/domain/types.h"

namespace tl::app {

struct MailSettings {
  // The desk's name in ticket tags "[<origin> #<id>]".
  std::string origin = "ticketledger";
  // The desk's address: From of what it sends, and mail From it is our own come back.
  std::string from_address;
  // The right-hand side of our Message-IDs; from_address's domain when empty, else "localhost".
  std::string message_id_domain;

  std::string MessageIdDomain() const;
};

std::string OutboundMessageId(ledger::TicketId ticket, ledger::Seq source, std::string_view domain);

// The ticket of a Message-ID OutboundMessageId made for `domain` (compared without regard to
// case); nullopt for any other id.
std::optional<ledger::TicketId> TicketOfOutboundMessageId(std::string_view message_id,
                                                          std::string_view domain);

}  // namespace tl::app
