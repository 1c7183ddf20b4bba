// Outbox: the mail the desk must send, derived from the log, sent through an SMTP relay
// (docs/mail.md, "Sending"; docs/api.md, "Mail").
//
// What must be sent is a function of the log: each `acknowledged` (the acknowledgement), each
// `replied` (the reply) and each `feedback_invited` (the invitation) of a ticket, minus those a
// `mail_sent` or `mail_failed` names. Each send's Message-ID is fixed by its source event
// (app/mail_ids.h), and so are its bytes (the Date is the event's time), so a retry, a restart
// or a second run sends the same message. After the relay accepts it the outbox appends
// `mail_sent`; a send that keeps failing (transient failures retried with a doubling back-off)
// or that the relay refuses for good gets `mail_failed`. Both are commands through the
// CommandHandler with an event id derived from the Message-ID, so they are appended once.
// A restart folds the log again and resends exactly what has no outcome yet; a crash between
// the relay's acceptance and the `mail_sent` being durable sends that one message again (with
// the same Message-ID, which receivers deduplicate): at least once, never silently lost.
//
// Feedback: a ticket resolved and neither reopened nor invited since gets `feedback_invited`
// (a command, event id derived from the resolution) once `feedback_delay` has passed since the
// resolution was recorded.
//
// Not mailed: tickets imported from another system (external_ref), requesters that are no
// address, and sources recorded more than `max_age` before the outbox first saw them (a ledger
// that runs with --smtp for the first time does not mail its whole history).
//
// One thread: it follows the log (a scan from where it stopped, every `poll`), sends one message
// at a time and appends the outcomes. Stop() (or the destructor) ends it; a send in progress
// finishes first (bounded by the SMTP timeouts).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "app/command_handler.h"
#include "app/feedback_links.h"
#include "app/mail_ids.h"
#include "mail/smtp_client.h"

namespace tl::app {

struct OutboxOptions {
  MailSettings mail;  // from_address is required
  mail::SmtpConfig smtp;
  // The server's public base URL; the invitation links to <public_url>/feedback/<token>.
  std::string public_url;
  ledger::TimeNs feedback_delay = 15 * 60 * ledger::kNanosPerSecond;
  ledger::TimeNs link_lifetime = 30LL * 24 * 3600 * ledger::kNanosPerSecond;
  ledger::TimeNs max_age = 24LL * 3600 * ledger::kNanosPerSecond;
  std::chrono::milliseconds first_retry{2'000};
  std::chrono::milliseconds max_retry{5 * 60'000};
  int max_attempts = 12;  // with the defaults, about 35 minutes of trying
  std::chrono::milliseconds poll{250};
  ledger::Clock clock = ledger::SystemClockNow;
};

class Outbox {
 public:
  // kInvalidArgument for options that cannot work (no from_address, a bad SMTP URL).
  static Result<std::unique_ptr<Outbox>> Start(const ledger::EventLog& log,
                                               CommandHandler& commands, FeedbackLinks links,
                                               OutboxOptions options);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  void Stop();

  struct State;  // the sender thread's (outbox.cc)

 private:
  Outbox() = default;
  void Run();

  std::unique_ptr<State> state_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tl::app
