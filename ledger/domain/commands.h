// Commands: what a caller asks the ledger to do, before the rules have judged it. Optional
// fields are std::optional so that the rules can tell "absent" from "empty" where docs/api.md gives
// them different codes (a stall without `awaiting` is 422 awaiting_required, not 400).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ledger/domain/event.h"
#include "ledger/domain/types.h"

namespace tl::ledger {

struct OpenTicket {
  std::string service;
  Category category = Category::kSupport;
  std::string description;
  std::string queue;
  std::string requester;
  Channel channel = Channel::kEmail;
  std::string subject;
  std::optional<TicketId> parent;
  std::string external_ref;  // importer only
  // Mail intake only (docs/api.md, "Mail"): the ticket opens without service and description,
  // which the service centre sets with `update` before the ticket leaves first line.
  bool unclassified = false;
  // Mail intake: the mail's text, recorded as a requester message in the same append.
  std::string first_message;
  // False for mail no automatic answer may go to (a mailing list's, RFC 3834): no
  // `acknowledged`, so the outbox sends none.
  bool acknowledge = true;
};

struct Reply {
  std::string body;
};
struct RequesterMessage {
  std::string body;
};
struct Comment {
  std::string body;
};
struct Stall {
  std::optional<std::string> awaiting;
  std::optional<TimeNs> follow_up_at;
};
struct Resume {};
struct Assign {
  std::string owner;
};
struct Unassign {};
struct Move {
  std::string queue;
  std::string reason;
};
struct Update {
  std::optional<std::string> service;
  std::optional<Category> category;
  std::optional<std::string> description;
  std::optional<std::string> requester;
  std::optional<std::string> subject;
};
struct Resolve {
  std::optional<std::string> solution;
};
struct Reopen {
  std::string reason;
};
struct InviteFeedback {};
// `score` is absent when the request had none or a value that is not an integer (both are
// 422 bad_score); range is checked by the rules.
struct GiveFeedback {
  std::optional<int64_t> score;
  std::string comment;
};

// What the mail loop records on a ticket (docs/mail.md): the outbox's outcome of a send, or a
// delivery report intake took in. Only the server itself issues it; no HTTP action names it.
struct RecordMail {
  std::variant<MailSent, MailFailed, MailBounced> record;
};

using TicketAction =
    std::variant<Reply, RequesterMessage, Comment, Stall, Resume, Assign, Unassign, Move, Update,
                 Resolve, Reopen, InviteFeedback, GiveFeedback, RecordMail>;

// The docs/api.md name of an action type ("reply", "feedback_invited", ...).
std::string_view ActionName(const TicketAction& action);

struct DefineQueue {
  std::string name;
  std::vector<std::string> members;
  bool first_line = false;
};

struct DefineService {
  std::string name;
  std::string title;
};

}  // namespace tl::ledger
