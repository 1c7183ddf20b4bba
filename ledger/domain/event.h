// The event model: one immutable fact per ticket action, as plain C++ values.
//
// These structs mirror ledger/store/schema/events.capnp one to one; codec.cc is the only place that
// translates between them, so no other file sees Cap'n Proto. Every field is kept forever: an
// event is never updated or deleted once committed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ledger/domain/types.h"

namespace tl::ledger {

struct TicketOpened {
  std::string service;
  Category category = Category::kSupport;
  std::string description;  // keywords, comma- or semicolon-separated
  std::string queue;
  std::string requester;
  Channel channel = Channel::kEmail;
  std::string subject;
  TicketId parent{};         // 0 = no parent
  std::string external_ref;  // the case id in the system it was imported from; empty if live
  bool operator==(const TicketOpened&) const = default;
};

// The automatic first reply carrying the ticket number, sent when a ticket reaches 1st line.
struct Acknowledged {
  bool operator==(const Acknowledged&) const = default;
};

struct Replied {
  std::string body;
  bool operator==(const Replied&) const = default;
};

struct RequesterMessaged {
  std::string body;
  bool operator==(const RequesterMessaged&) const = default;
};

struct Commented {
  std::string body;
  bool operator==(const Commented&) const = default;
};

// A status change that is the consequence of another event (a reply to a new ticket, a
// requester's message to a stalled or resolved one); always directly after that event.
struct StatusChanged {
  TicketStatus from = TicketStatus::kNew;
  TicketStatus to = TicketStatus::kOpen;
  bool operator==(const StatusChanged&) const = default;
};

struct Stalled {
  std::string awaiting;
  TimeNs follow_up_at = 0;  // 0 = none (only in imported history; live stalls require one)
  bool operator==(const Stalled&) const = default;
};

struct Resumed {
  bool operator==(const Resumed&) const = default;
};

struct Assigned {
  std::string owner;
  bool operator==(const Assigned&) const = default;
};

struct Unassigned {
  std::string previous_owner;
  bool operator==(const Unassigned&) const = default;
};

struct Moved {
  std::string from_queue;
  std::string to_queue;
  std::string reason;
  bool misroute = false;       // from a team queue back to a first-line queue
  bool owner_cleared = false;  // the owner was not a member of to_queue
  bool operator==(const Moved&) const = default;
};

// Only the fields present changed.
struct Updated {
  std::optional<std::string> service;
  std::optional<Category> category;
  std::optional<std::string> description;
  std::optional<std::string> requester;
  std::optional<std::string> subject;
  bool operator==(const Updated&) const = default;
};

struct Resolved {
  std::string solution;  // empty only in imported history
  bool operator==(const Resolved&) const = default;
};

struct Reopened {
  std::string reason;
  bool operator==(const Reopened&) const = default;
};

struct FeedbackInvited {
  bool operator==(const FeedbackInvited&) const = default;
};

struct FeedbackReceived {
  int32_t score = 0;  // 1..5
  std::string comment;
  bool operator==(const FeedbackReceived&) const = default;
};

// On the parent's stream. In an append that opens the child, child 0 means "the ticket this
// append creates": the log fills in the id it assigns (see AppendRequest).
struct ChildLinked {
  TicketId child{};
  bool operator==(const ChildLinked&) const = default;
};

// Reference data. The stream names the queue or service; each event states it whole.
struct QueueDefined {
  std::vector<std::string> members;  // sorted, unique
  bool first_line = false;
  bool operator==(const QueueDefined&) const = default;
};

struct ServiceDefined {
  std::string title;
  bool operator==(const ServiceDefined&) const = default;
};

// The ticket's data key is destroyed with this event: its personal fields, in every event of
// the ticket, read as erased from then on (docs/privacy.md). `reason` is the request's, and is
// not personal: it must not name the person.
struct PersonalDataErased {
  std::string reason;
  bool operator==(const PersonalDataErased&) const = default;
};

// The three kinds of mail the desk sends, each derived from one event (docs/mail.md).
enum class MailKind : uint8_t { kAcknowledgement, kReply, kFeedbackInvitation };
std::string_view MailKindName(MailKind kind);  // "acknowledgement", "reply", "feedback_invitation"

// Mail events are on the ticket's stream. Message-IDs are written without angle brackets.
struct MailSent {
  MailKind kind = MailKind::kAcknowledgement;
  std::string message_id;  // fixed by the source event, the same across retries and restarts
  std::string to;          // the addr-spec it was sent to
  bool operator==(const MailSent&) const = default;
};

// A send given up: a permanent refusal, or retries used up.
struct MailFailed {
  MailKind kind = MailKind::kAcknowledgement;
  std::string message_id;
  std::string to;
  std::string reason;  // the relay's last reply or the local error
  bool operator==(const MailFailed&) const = default;
};

// A delivery report (RFC 3464) about mail the ledger sent.
struct MailBounced {
  std::string message_id;               // of our message that bounced
  std::vector<std::string> recipients;  // the recipients that failed
  std::string detail;                   // the report's diagnostic, for people
  bool operator==(const MailBounced&) const = default;
};

using Payload =
    std::variant<TicketOpened, Acknowledged, Replied, RequesterMessaged, Commented, StatusChanged,
                 Stalled, Resumed, Assigned, Unassigned, Moved, Updated, Resolved, Reopened,
                 FeedbackInvited, FeedbackReceived, ChildLinked, QueueDefined, ServiceDefined,
                 PersonalDataErased, MailSent, MailFailed, MailBounced>;

// The snake_case type name used in JSON ("opened", "replied", "status_changed", ...).
std::string_view EventTypeName(const Payload& payload);

enum class PersonalData : uint8_t { kClear, kSealed, kErased };

struct Event {
  Seq seq{};
  StreamId stream;
  Version version{};
  EventId event_id;
  TimeNs occurred_at = 0;   // when it happened (client or importer may say)
  TimeNs recorded_at = 0;   // when the ledger committed it (always the ledger's clock)
  std::string actor;        // who did it
  std::string recorded_by;  // whose token recorded it
  Payload payload;
  // Not stored: what the personal fields (personal_fields.h) hold as this event was read.
  // kClear: their text. kSealed: the stored sealed bytes (read without keys, as an auditor
  // does). kErased: empty, because the ticket's data key was destroyed (docs/privacy.md).
  PersonalData personal = PersonalData::kClear;
  // Not stored: with personal == kErased, whether a personal field held text before its key was
  // destroyed (a sealed field's length says so, not what it said). What reports count of the
  // texts' presence, such as a resolution with a solution, stays what it was (docs/api.md,
  // "After erasure": the reports keep their counts).
  bool erased_text = false;
  bool operator==(const Event&) const = default;
};

// An event as read back from the log, with its place in the hash chain.
struct StoredEvent {
  Event event;
  Hash prev_hash{};
  Hash hash{};
};

}  // namespace tl::ledger
