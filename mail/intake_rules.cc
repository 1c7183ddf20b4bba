#include "mail/intake_rules.h"

#include <limits>

#include "mail/internal/text.h"

namespace tl::mail {
namespace {

using internal::AsciiLower;
using internal::EqualsIgnoreCase;
using internal::TrimWhitespace;

IntakeDecision Ignore(IgnoreReason reason, std::string detail) {
  IntakeDecision d;
  d.kind = IntakeKind::kIgnore;
  d.ignore_reason = reason;
  d.detail = std::move(detail);
  return d;
}

bool IsOwnAddress(std::string_view address, const IntakeConfig& config) {
  const std::string a = internal::NormalizeAddress(address);
  if (a.empty()) return false;
  for (const std::string& own : config.own_addresses) {
    if (EqualsIgnoreCase(a, internal::NormalizeAddress(own))) return true;
  }
  return false;
}

bool IsOurMessageId(std::string_view id, const IntakeConfig& config) {
  if (config.message_id_domain.empty()) return false;
  const size_t at = id.rfind('@');
  return at != std::string_view::npos &&
         EqualsIgnoreCase(id.substr(at + 1), TrimWhitespace(config.message_id_domain));
}

// "auto-replied; owner-email=..." -> "auto-replied"
std::string FirstToken(std::string_view value) {
  const size_t semi = value.find_first_of(";( \t");
  return AsciiLower(TrimWhitespace(value.substr(0, semi)));
}

std::optional<TicketNumber> TicketOfThread(const InboundMessage& m, const SentMessageLookup& sent,
                                           std::string* via) {
  if (!m.in_reply_to.empty()) {
    if (auto t = sent(m.in_reply_to)) {
      *via = "In-Reply-To <" + m.in_reply_to + ">";
      return t;
    }
  }
  for (auto it = m.references.rbegin(); it != m.references.rend(); ++it) {
    if (auto t = sent(*it)) {
      *via = "References <" + *it + ">";
      return t;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<TicketNumber> FindTicketTag(std::string_view subject, std::string_view origin) {
  origin = TrimWhitespace(origin);
  if (origin.empty()) return std::nullopt;
  for (size_t open = subject.find('['); open != std::string_view::npos;
       open = subject.find('[', open + 1)) {
    std::string_view rest = subject.substr(open + 1);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (rest.size() < origin.size() || !EqualsIgnoreCase(rest.substr(0, origin.size()), origin)) {
      continue;
    }
    rest.remove_prefix(origin.size());
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (rest.empty() || rest.front() != '#') continue;
    rest.remove_prefix(1);
    TicketNumber n = 0;
    size_t digits = 0;
    bool overflow = false;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
      const auto d = static_cast<TicketNumber>(rest[digits] - '0');
      if (n > (std::numeric_limits<TicketNumber>::max() - d) / 10) overflow = true;
      n = n * 10 + d;
      ++digits;
    }
    if (digits == 0 || overflow || n == 0) continue;
    rest.remove_prefix(digits);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (rest.empty() || rest.front() != ']') continue;
    return n;
  }
  return std::nullopt;
}

IntakeDecision ClassifyIntake(const InboundMessage& m, const IntakeConfig& config,
                              const SentMessageLookup& sent,
                              const ReceivedMessageLookup& received) {
  if (received && !m.message_id.empty() && received(m.message_id)) {
    return Ignore(IgnoreReason::kDuplicate, "Message-ID <" + m.message_id + "> already received");
  }

  if (m.delivery_report) {
    const DeliveryReport& report = *m.delivery_report;
    if (!report.HasFailure()) {
      return Ignore(IgnoreReason::kDeliveryNotice, "delivery status notification without failure");
    }
    const std::optional<TicketNumber> ticket =
        report.original_message_id.empty() ? std::nullopt : sent(report.original_message_id);
    if (!ticket) {
      return Ignore(IgnoreReason::kUnrelatedBounce,
                    report.original_message_id.empty()
                        ? "bounce that names no original message"
                        : "bounce of <" + report.original_message_id + ">, not sent by us");
    }
    IntakeDecision d;
    d.kind = IntakeKind::kBounce;
    d.ticket = *ticket;
    d.bounced_message_id = report.original_message_id;
    d.failed_recipients = report.FailedRecipients();
    d.detail = "bounce of <" + report.original_message_id + ">";
    return d;
  }

  for (const std::string& loop : m.x_loop) {
    if (IsOwnAddress(loop, config)) return Ignore(IgnoreReason::kLoop, "X-Loop: " + loop);
  }
  if (!m.message_id.empty() && (IsOurMessageId(m.message_id, config) || sent(m.message_id))) {
    return Ignore(IgnoreReason::kLoop, "our own Message-ID <" + m.message_id + ">");
  }
  if (IsOwnAddress(m.from.address, config)) {
    return Ignore(IgnoreReason::kLoop, "From our own address " + m.from.address);
  }

  if (!m.auto_submitted.empty() && FirstToken(m.auto_submitted) != "no") {
    return Ignore(IgnoreReason::kAutoSubmitted, "Auto-Submitted: " + m.auto_submitted);
  }
  if (!m.x_autoreply.empty()) {
    return Ignore(IgnoreReason::kAutoSubmitted, "X-Autoreply: " + m.x_autoreply);
  }
  const std::string precedence = FirstToken(m.precedence);
  if (precedence == "bulk" || precedence == "junk" || precedence == "list") {
    return Ignore(IgnoreReason::kBulk, "Precedence: " + m.precedence);
  }
  if (m.report_type == "disposition-notification") {
    return Ignore(IgnoreReason::kReadReceipt, "message disposition notification");
  }
  if (m.null_return_path) {
    return Ignore(IgnoreReason::kNullSender, "Return-Path: <>");
  }
  if (m.from.address.empty()) {
    return Ignore(IgnoreReason::kNoSender, "no sender address");
  }

  IntakeDecision d;
  d.auto_reply_allowed = m.list_id.empty();
  if (auto tag = FindTicketTag(m.subject, config.origin)) {
    d.kind = IntakeKind::kReply;
    d.ticket = *tag;
    d.detail = "subject tag [" + config.origin + " #" + std::to_string(*tag) + "]";
    return d;
  }
  std::string via;
  if (auto ticket = TicketOfThread(m, sent, &via)) {
    d.kind = IntakeKind::kReply;
    d.ticket = *ticket;
    d.detail = via;
    return d;
  }
  d.kind = IntakeKind::kNew;
  d.detail = m.list_id.empty() ? "new request" : "new request from list " + m.list_id;
  return d;
}

std::string_view IntakeKindName(IntakeKind kind) {
  switch (kind) {
    case IntakeKind::kNew:
      return "new";
    case IntakeKind::kReply:
      return "reply";
    case IntakeKind::kBounce:
      return "bounce";
    case IntakeKind::kIgnore:
      return "ignore";
  }
  return "unknown";
}

std::string_view IgnoreReasonName(IgnoreReason reason) {
  switch (reason) {
    case IgnoreReason::kNone:
      return "none";
    case IgnoreReason::kDuplicate:
      return "duplicate";
    case IgnoreReason::kLoop:
      return "loop";
    case IgnoreReason::kAutoSubmitted:
      return "auto_submitted";
    case IgnoreReason::kBulk:
      return "bulk";
    case IgnoreReason::kReadReceipt:
      return "read_receipt";
    case IgnoreReason::kNullSender:
      return "null_sender";
    case IgnoreReason::kNoSender:
      return "no_sender";
    case IgnoreReason::kUnrelatedBounce:
      return "unrelated_bounce";
    case IgnoreReason::kDeliveryNotice:
      return "delivery_notice";
  }
  return "unknown";
}

}  // namespace tl::mail
