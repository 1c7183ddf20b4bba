# ticketledger event schema: one immutable message per ticket action.
#
# Evolution rules (this schema is the log's on-disk format; docs/log-format.md):
#  1. Never renumber, retype or remove a field, an enumerant or a union member. Stored events
#     are decoded forever with whatever schema is current; their bytes are hashed, so they can
#     never be rewritten into a new shape.
#  2. A new field or union member takes the next ordinal (@N) of its struct. Readers that do not
#     know a union member must fail with "unknown event type" naming the seq, never skip it.
#  3. A new field's zero value must mean what events written before it meant (e.g. a new Bool
#     defaults to false = the old behaviour). Cap'n Proto reads absent fields as zero.
#  4. Renaming is allowed (names are not stored), but JSON names in docs/api.md are a contract:
#     rename in the schema only if the JSON keeps its name.
#  5. Events are stored in canonical form (capnp::canonicalize), single segment, so the same
#     event always has the same bytes and so the same hash.
#  6. Deleting a meaning is done by a new event type, never by editing old ones.

@0xdf0336d4f0f43105;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("tl::ledger::schema");

enum Category {
  support @0;
  order @1;
  termination @2;
  incident @3;
  change @4;
}

enum Channel {
  email @0;
  phone @1;
  forwarded @2;
  web @3;
}

enum TicketStatus {
  new @0;
  open @1;
  stalled @2;
  resolved @3;
}

struct StreamId {
  union {
    ticket @0 :UInt64;
    queue @1 :Text;
    service @2 :Text;
  }
}

struct Event {
  seq @0 :UInt64;            # global position, 1, 2, 3, ... equal to the key it is stored under
  stream @1 :StreamId;
  version @2 :UInt64;        # position within the stream, 1, 2, 3, ...
  eventId @3 :Data;          # 16 bytes (a UUID)
  occurredAt @4 :Int64;      # UTC nanoseconds since the Unix epoch
  recordedAt @5 :Int64;      # UTC nanoseconds since the Unix epoch
  actor @6 :Text;
  recordedBy @7 :Text;

  payload :union {
    opened @8 :TicketOpened;
    acknowledged @9 :Acknowledged;
    replied @10 :Message;
    requesterMessaged @11 :Message;
    commented @12 :Message;
    statusChanged @13 :StatusChanged;
    stalled @14 :Stalled;
    resumed @15 :Resumed;
    assigned @16 :Assigned;
    unassigned @17 :Unassigned;
    moved @18 :Moved;
    updated @19 :Updated;
    resolved @20 :Resolved;
    reopened @21 :Reopened;
    feedbackInvited @22 :FeedbackInvited;
    feedbackReceived @23 :FeedbackReceived;
    childLinked @24 :ChildLinked;
    queueDefined @25 :QueueDefined;
    serviceDefined @26 :ServiceDefined;
    personalDataErased @27 :PersonalDataErased;
    mailSent @28 :MailSent;
    mailFailed @29 :MailFailed;
    mailBounced @30 :MailBounced;
  }
}

struct TicketOpened {
  service @0 :Text;
  category @1 :Category;
  description @2 :Text;
  queue @3 :Text;
  requester @4 :Text;
  channel @5 :Channel;
  subject @6 :Text;
  parent @7 :UInt64;         # 0 = none
  externalRef @8 :Text;      # case id in the source system of an import; empty if live
  # Format 3 (docs/log-format.md, "Personal fields"): the personal fields are stored here,
  # sealed under the ticket's data key; requester @4 and subject @6 are left empty.
  requesterSealed @9 :Data;
  subjectSealed @10 :Data;
}

struct Acknowledged {}

struct Message {
  body @0 :Text;             # empty from format 3 on: see bodySealed
  bodySealed @1 :Data;
}

struct StatusChanged {
  from @0 :TicketStatus;
  to @1 :TicketStatus;
}

struct Stalled {
  awaiting @0 :Text;
  followUpAt @1 :Int64;      # UTC nanoseconds; 0 = none (imported history only)
  awaitingSealed @2 :Data;   # format 3: awaiting @0 is left empty
}

struct Resumed {}

struct Assigned {
  owner @0 :Text;
}

struct Unassigned {
  previousOwner @0 :Text;
}

struct Moved {
  fromQueue @0 :Text;
  toQueue @1 :Text;
  reason @2 :Text;
  misroute @3 :Bool;         # from a team queue to a first-line queue
  ownerCleared @4 :Bool;     # the owner was not a member of toQueue
  reasonSealed @5 :Data;     # format 3: reason @2 is left empty
}

struct Updated {
  # Only the fields listed changed; a union per field keeps "unchanged" apart from "emptied".
  service :union { unchanged @0 :Void; value @1 :Text; }
  category :union { unchanged @2 :Void; value @3 :Category; }
  description :union { unchanged @4 :Void; value @5 :Text; }
  # Format 3 writes a changed requester or subject as `sealed`, never as `value`.
  requester :union { unchanged @6 :Void; value @7 :Text; sealed @10 :Data; }
  subject :union { unchanged @8 :Void; value @9 :Text; sealed @11 :Data; }
}

struct Resolved {
  solution @0 :Text;         # empty only in imported history
  solutionSealed @1 :Data;   # format 3: solution @0 is left empty
}

struct Reopened {
  reason @0 :Text;
  reasonSealed @1 :Data;     # format 3: reason @0 is left empty
}

struct FeedbackInvited {}

struct FeedbackReceived {
  score @0 :Int32;           # 1..5
  comment @1 :Text;
  commentSealed @2 :Data;    # format 3: comment @1 is left empty
}

struct ChildLinked {
  child @0 :UInt64;
}

struct QueueDefined {
  members @0 :List(Text);    # sorted, unique
  firstLine @1 :Bool;
}

struct ServiceDefined {
  title @0 :Text;
}

struct PersonalDataErased {
  reason @0 :Text;           # the erasure request's reason; not personal data itself
}

# The three kinds of mail the desk sends (docs/mail.md), each derived from one event.
enum MailKind {
  acknowledgement @0;        # from `acknowledged`
  reply @1;                  # from `replied`
  feedbackInvitation @2;     # from `feedback_invited`
}

# The addresses and the relay's or the report's diagnostics are personal data, sealed under the
# ticket's data key like the fields of docs/log-format.md's list (they name the requester).
struct MailSent {
  kind @0 :MailKind;
  messageId @1 :Text;        # without angle brackets; fixed by the source event
  toSealed @2 :Data;         # the addr-spec it was sent to
}

struct MailFailed {
  kind @0 :MailKind;
  messageId @1 :Text;
  toSealed @2 :Data;
  reasonSealed @3 :Data;     # the relay's last reply or the local error
}

struct MailBounced {
  messageId @0 :Text;        # of our message that bounced
  recipientsSealed @1 :List(Data); # the recipients the delivery report says failed
  detailSealed @2 :Data;     # the report's diagnostic, for people
}
