// MailIntake: what the desk does with one incoming mail (docs/api.md, "Mail"; docs/mail.md).
//
// The message is parsed and classified by the mail library (mail/intake_rules.h); then
//  - a new request opens an unclassified ticket in the given queue, its text as the first
//    requester message;
//  - a reply (subject tag, or In-Reply-To/References naming one of our Message-IDs, app/mail_ids.h)
//    becomes a `requester_message` on that ticket (a tag naming no ticket opens a new one);
//  - a bounce of our mail is recorded as `mail_bounced` on its ticket and answered as ignored;
//  - noise (auto-replies, bulk, our own mail, ...) is ignored with the reason.
// Everything goes through the CommandHandler, the ordinary command path. The command's event id
// is derived from the Message-ID (or, without one, from the message's SHA-256), so a message
// taken in twice appends once and its second answer is the first one (`replayed`).
//
// Thread-safety: TakeAsync may be called concurrently; `done` runs on the log's writer thread or
// the caller's.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "app/command_handler.h"
#include "app/mail_ids.h"

namespace tl::app {

enum class IntakeAction { kOpened, kRequesterMessage, kIgnored };
std::string_view IntakeActionName(IntakeAction action);  // "opened", "requester_message", ...

struct IntakeOutcome {
  IntakeAction action = IntakeAction::kIgnored;
  std::string reason;    // kIgnored: why ("auto_submitted", "bounce", "loop", ...)
  CommandResult result;  // kOpened and kRequesterMessage: the command's
};
using IntakeDone = std::function<void(Result<IntakeOutcome>)>;

class MailIntake {
 public:
  // `log`: where a ticket's requester is read from (the read models keep none).
  MailIntake(CommandHandler& commands, StateSource& states, const ledger::EventLog& log,
             MailSettings settings);

  // `queue`: where a new request opens (a first-line queue). `recorded_by`: the mailgate
  // token's actor. Errors: kInvalidArgument for input that is no message, or no queue;
  // kFailedPrecondition "message_too_large"; the command's errors.
  void TakeAsync(std::string_view raw, std::string queue, std::string recorded_by, IntakeDone done);

  const MailSettings& settings() const { return settings_; }

 private:
  CommandHandler& commands_;
  StateSource& states_;
  const ledger::EventLog& log_;
  MailSettings settings_;
};

}  // namespace tl::app
