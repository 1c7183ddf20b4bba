#include "app/mail_intake.h"

#include <fmt/format.h>

#include "ledger/domain/address.h"
#include "ledger/domain/personal_fields.h"
#include "ledger/domain/ticket_rules.h"
#include "mail/inbound_message.h"
#include "mail/intake_rules.h"
#include "projections/ticket_texts.h"

namespace tl::app {
namespace {

using ledger::TicketId;

// The id of the command a message becomes: the same message always gives the same id.
ledger::EventId CommandIdOf(const mail::InboundMessage& message) {
  if (!message.message_id.empty()) return ledger::EventId::FromName("mail-in", message.message_id);
  return ledger::EventId::FromName("mail-in-sha256", message.raw_sha256);
}

// The text a requester's message is recorded with: its body, or for an empty one the subject
// (the rules require a body).
std::string TextOf(const mail::InboundMessage& message) {
  if (!ledger::IsBlank(message.body_text)) return message.body_text;
  if (!ledger::IsBlank(message.subject)) return message.subject;
  return "(empty message)";
}

// The text of a reply to ticket `ticket`: the message's text, headed by the sender's address when
// someone other than the ticket's requester wrote it. The event's actor is the role
// `requester` (never an address, docs/api.md "Personal data and erasure"), so who wrote the
// mail is kept here, in the sealed body, where an erasure reaches it.
std::string ReplyTextOf(const mail::InboundMessage& message, std::string_view requester) {
  if (ledger::NormalizeAddress(message.from.address) == ledger::NormalizeAddress(requester)) {
    return TextOf(message);
  }
  return fmt::format("From: {}\n\n{}", message.from.address, TextOf(message));
}

// Done with the outcome `action` of a command's result.
CommandDone Finish(IntakeAction action, IntakeDone done) {
  return [action, done = std::move(done)](Result<CommandResult> r) {
    if (!r.ok()) return done(r.status());
    done(IntakeOutcome{action, "", *r});
  };
}

}  // namespace

std::string_view IntakeActionName(IntakeAction action) {
  switch (action) {
    case IntakeAction::kOpened:
      return "opened";
    case IntakeAction::kRequesterMessage:
      return "requester_message";
    case IntakeAction::kIgnored:
      return "ignored";
  }
  return "ignored";
}

MailIntake::MailIntake(CommandHandler& commands, StateSource& states, const ledger::EventLog& log,
                       MailSettings settings)
    : commands_(commands), states_(states), log_(log), settings_(std::move(settings)) {}

void MailIntake::TakeAsync(std::string_view raw, std::string queue, std::string recorded_by,
                           IntakeDone done) {
  auto parsed = mail::ParseInbound(raw);
  if (!parsed.ok()) return done(parsed.status());
  const mail::InboundMessage& message = *parsed;

  const std::string domain = settings_.MessageIdDomain();
  mail::IntakeConfig config;
  config.origin = settings_.origin;
  if (!settings_.from_address.empty()) config.own_addresses.push_back(settings_.from_address);
  config.message_id_domain = domain;
  auto sent = [&](std::string_view id) -> std::optional<mail::TicketNumber> {
    auto ticket = TicketOfOutboundMessageId(id, domain);
    if (!ticket) return std::nullopt;
    return ticket->value();
  };
  // No `received` lookup: a duplicate is found by the command's event id (CommandIdOf), which
  // also gives it the first answer.
  const mail::IntakeDecision decision = mail::ClassifyIntake(message, config, sent);

  // A ticket that exists, or nullopt (a tag typed by hand may name none).
  auto existing = [&](mail::TicketNumber n) -> Result<std::optional<TicketState>> {
    if (n == 0) return std::optional<TicketState>();
    TL_ASSIGN_OR_RETURN(TicketState state, states_.LoadTicket(TicketId(n)));
    if (!state.exists()) return std::optional<TicketState>();
    return std::optional<TicketState>(std::move(state));
  };

  CommandMeta meta;
  meta.actor = std::string(ledger::kRequesterActor);
  meta.recorded_by = std::move(recorded_by);
  meta.event_id = CommandIdOf(message);

  switch (decision.kind) {
    case mail::IntakeKind::kIgnore:
      return done(IntakeOutcome{
          IntakeAction::kIgnored, std::string(mail::IgnoreReasonName(decision.ignore_reason)), {}});
    case mail::IntakeKind::kBounce: {
      auto ticket = existing(decision.ticket);
      if (!ticket.ok()) return done(ticket.status());
      if (!*ticket) return done(IntakeOutcome{IntakeAction::kIgnored, "unrelated_bounce", {}});
      ledger::MailBounced bounced;
      bounced.message_id = decision.bounced_message_id;
      bounced.recipients = decision.failed_recipients;
      if (message.delivery_report) {
        for (const auto& r : message.delivery_report->recipients) {
          if (r.action == "failed" && !r.diagnostic_code.empty()) {
            bounced.detail = r.diagnostic_code;
            break;
          }
        }
      }
      meta.actor = "mailgate";
      return commands_.ActAsync(TicketId(decision.ticket), ledger::RecordMail{std::move(bounced)},
                                std::move(meta), [done = std::move(done)](Result<CommandResult> r) {
                                  if (!r.ok()) return done(r.status());
                                  done(IntakeOutcome{IntakeAction::kIgnored, "bounce", *r});
                                });
    }
    case mail::IntakeKind::kReply: {
      auto ticket = existing(decision.ticket);
      if (!ticket.ok()) return done(ticket.status());
      // A reply to an erased ticket opens a new one: its requester's mail is not lost, and no
      // readable field links the new ticket to the erased one (docs/mail.md).
      if (*ticket && !(*ticket)->erased) {
        // The read models keep no requester: it is read from the log (docs/projections.md).
        auto texts = projections::TicketTextsOf(log_, **ticket);
        if (!texts.ok()) return done(texts.status());
        return commands_.ActAsync(TicketId(decision.ticket),
                                  ledger::RequesterMessage{ReplyTextOf(message, texts->requester)},
                                  std::move(meta),
                                  Finish(IntakeAction::kRequesterMessage, std::move(done)));
      }
      break;  // a tag naming no ticket, or an erased one: a new request
    }
    case mail::IntakeKind::kNew:
      break;
  }

  if (ledger::IsBlank(queue)) return done(Status::MissingField("queue is required"));
  ledger::OpenTicket open;
  open.queue = std::move(queue);
  open.requester = message.from.address;
  open.channel = ledger::Channel::kEmail;
  open.category = ledger::Category::kSupport;
  open.subject = message.subject;
  open.unclassified = true;
  open.first_message = TextOf(message);
  open.acknowledge = decision.auto_reply_allowed;
  commands_.OpenAsync(std::move(open), std::move(meta),
                      Finish(IntakeAction::kOpened, std::move(done)));
}

}  // namespace tl::app
