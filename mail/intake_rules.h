// Intake classification: what the desk does with a parsed inbound message.
//
// ClassifyIntake is a pure function of the message, the desk's configuration and two lookups
// the caller answers from the ledger. The checks run in this order, and the first that applies
// decides:
//   1. a Message-ID already received                      -> kIgnore(kDuplicate)
//   2. a delivery status notification (RFC 3464) with a failed recipient, about a message we
//      sent                                               -> kBounce{ticket, original id}
//      one about a message we did not send (backscatter)  -> kIgnore(kUnrelatedBounce)
//      one without failures (delayed, delivered)          -> kIgnore(kDeliveryNotice)
//   3. our own mail come back: our X-Loop, a Message-ID we made or sent, From one of our
//      addresses                                          -> kIgnore(kLoop)
//   4. Auto-Submitted other than "no" (RFC 3834), or X-Autoreply/X-Autorespond
//                                                         -> kIgnore(kAutoSubmitted)
//   5. Precedence bulk, junk or list                      -> kIgnore(kBulk)
//   6. a read receipt (report-type disposition-notification, RFC 8098)
//                                                         -> kIgnore(kReadReceipt)
//   7. Return-Path <> (RFC 5321 4.5.5: never answer it)   -> kIgnore(kNullSender)
//   8. no sender address at all                           -> kIgnore(kNoSender)
//   9. the subject carries our tag "[<origin> #<n>]"      -> kReply{n}
//  10. In-Reply-To, then References newest first, names a message we sent
//                                                         -> kReply{its ticket}
//  11. otherwise                                          -> kNew
// A subject tag wins over threading headers because a person put it there on purpose (RT does
// the same). The caller must still check that the ticket exists: a tag can be typed by hand.
//
// Thread-safety: pure; safe to call concurrently if the lookups are.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/inbound_message.h"

namespace tl::mail {

using TicketNumber = uint64_t;  // the same numbers as tl::ledger::TicketId; 0 is never a ticket

struct IntakeConfig {
  // The desk's name in ticket tags: "[<origin> #42]". Matched case-insensitively.
  std::string origin;
  // The desk's own addresses (case-insensitive): mail From them is our own mail come back, and
  // an X-Loop naming one of them was put there by us.
  std::vector<std::string> own_addresses;
  // The right-hand side of the Message-IDs we make ("desk.example.org" in
  // "<...@desk.example.org>"), case-insensitive. Empty: only the sent lookup recognises ours.
  std::string message_id_domain;
};

// The ticket a Message-ID we sent belongs to, or nullopt when we did not send it.
using SentMessageLookup = std::function<std::optional<TicketNumber>(std::string_view message_id)>;
// True when a message with this Message-ID was already taken in.
using ReceivedMessageLookup = std::function<bool(std::string_view message_id)>;

enum class IntakeKind : uint8_t { kNew, kReply, kBounce, kIgnore };

enum class IgnoreReason : uint8_t {
  kNone,             // not ignored
  kDuplicate,        // the same Message-ID was already taken in
  kLoop,             // our own mail came back
  kAutoSubmitted,    // an automatic message: out-of-office, vacation, other responders
  kBulk,             // Precedence: bulk, junk or list
  kReadReceipt,      // a message disposition notification
  kNullSender,       // Return-Path <>: a notification that no one may answer
  kNoSender,         // no From, Sender or Return-Path address
  kUnrelatedBounce,  // a bounce about mail we did not send (backscatter)
  kDeliveryNotice,   // a DSN that reports no failure (delayed, delivered, relayed)
};

struct IntakeDecision {
  IntakeKind kind = IntakeKind::kNew;
  IgnoreReason ignore_reason = IgnoreReason::kNone;  // set when kind is kIgnore
  // Why, for the log: "Auto-Submitted: auto-replied", "subject tag [acme #42]", ...
  std::string detail;
  // kReply: the ticket replied to. kBounce: the ticket of the bounced message. Otherwise 0.
  TicketNumber ticket = 0;
  // kBounce: the Message-ID of our message that bounced, and the recipients that failed.
  std::string bounced_message_id;
  std::vector<std::string> failed_recipients;
  // kNew and kReply: whether an automatic answer (the acknowledgement) may be sent. False for
  // mail from a mailing list (List-Id, RFC 2919), as RFC 3834 section 2 asks.
  bool auto_reply_allowed = false;
};

// The ticket number in a subject's tag "[<origin> #<n>]" (origin case-insensitive, white space
// around it tolerated, anywhere in the subject, so after "Re:", "SV:", "AW:", "Fwd:" too);
// nullopt when there is none or n is 0 or does not fit 64 bits.
std::optional<TicketNumber> FindTicketTag(std::string_view subject, std::string_view origin);

// `received` may be empty (no duplicate check); `sent` may not.
IntakeDecision ClassifyIntake(const InboundMessage& message, const IntakeConfig& config,
                              const SentMessageLookup& sent,
                              const ReceivedMessageLookup& received = nullptr);

std::string_view IntakeKindName(IntakeKind kind);        // "new", "reply", "bounce", "ignore"
std::string_view IgnoreReasonName(IgnoreReason reason);  // "duplicate", "loop", ...

}  // namespace tl::mail
