// Inbound mail: a raw RFC 5322 message parsed (with GMime 3) into the values the desk needs.
//
// ParseInbound is lenient, as mail software must be: malformed headers yield best-effort values
// (and a line in `warnings`), never a crash. It refuses only input that is too large or is not
// a message at all. What it keeps:
//  - the threading headers, the addresses, the decoded subject and date;
//  - the body as UTF-8 text: text/plain preferred in multipart/alternative, HTML-only mail
//    converted to text (HtmlToText), every transfer encoding and charset decoded;
//  - attachments by name, size and SHA-256 only: their bytes are not kept;
//  - the headers that mail loops and noise are recognised by (RFC 3834, RFC 2919);
//  - what a delivery status notification (RFC 3464) says about the message it reports on;
//  - the sender and subject of forwarded messages (message/rfc822 parts).
// docs/mail.md, "What is ignored, and why", says what is ignored and why.
//
// Every string in an InboundMessage is valid UTF-8; single-line fields hold no control
// characters, body text no control characters but '\n' and '\t'.
//
// Thread-safety: ParseInbound may run on any number of threads at once; each call has its own
// GMime objects, and GMime's shared tables are initialised once and only read after that.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/result.h"
#include "mail/mailbox.h"

namespace tl::mail {

// The reason of the Status that refuses a message over ParseLimits::max_message_bytes
// (StatusCode::kFailedPrecondition: resubmitting the same bytes will fail again).
inline constexpr std::string_view kMessageTooLarge = "message_too_large";

struct ParseLimits {
  // Larger input is refused before any parsing. Note that base64 makes an attachment a third
  // larger on the wire: at 10 MiB the largest attachment that fits is about 7.5 MiB.
  size_t max_message_bytes = 10 * 1024 * 1024;
};

struct Attachment {
  std::string filename;      // UTF-8, RFC 2231 / RFC 2047 decoded; "" when the part has none
  std::string content_type;  // lower case, "application/pdf"
  uint64_t size = 0;         // bytes after the transfer encoding is undone
  std::string sha256;        // of those bytes, 64 lower-case hex digits
  bool inline_part = false;  // Content-Disposition: inline (an image in HTML mail, say)
};

// One recipient block of a delivery status notification (RFC 3464 section 2.3).
struct DsnRecipient {
  std::string final_recipient;  // addr-spec of Final-Recipient (domain lower-cased)
  std::string action;           // lower case: "failed", "delayed", "delivered", "relayed", ...
  std::string status;           // "5.1.1"
  std::string diagnostic_code;  // "smtp; 550 5.1.1 <x@example.org>: Recipient address rejected"
};

// What a multipart/report; report-type=delivery-status message says.
struct DeliveryReport {
  std::string reporting_mta;  // "dns; mx.example.org"
  std::vector<DsnRecipient> recipients;
  // The Message-ID of the message the report is about, from its returned message or headers
  // (message/rfc822 or text/rfc822-headers part); "" when the report does not include them.
  std::string original_message_id;

  // True when some recipient's Action is "failed": a bounce, not a delay warning.
  bool HasFailure() const;
  // The recipients whose Action is "failed".
  std::vector<std::string> FailedRecipients() const;
};

// A message/rfc822 part: a mail forwarded as an attachment.
struct ForwardedMessage {
  Mailbox from;
  std::string subject;
  std::string message_id;
  std::optional<std::chrono::sys_seconds> date;
  std::string body_text;  // chosen and decoded as for the outer message
};

enum class BodySource : uint8_t {
  kNone,   // no text part (or only attachments)
  kPlain,  // text/plain
  kHtml,   // text/html converted to text
};

struct InboundMessage {
  // Message-IDs are kept without angle brackets ("abc@mail.example.com"), exactly as written
  // otherwise (their comparison is case-sensitive).
  std::string message_id;   // "" when the header is missing
  std::string in_reply_to;  // the first id of In-Reply-To; "" when none
  // References, oldest first; at most 100 (the first and the newest 99, with a warning).
  std::vector<std::string> references;

  // The first mailbox of From. When From is missing or names no mailbox, Sender's first
  // mailbox; when that is missing too, the Return-Path address with no display name
  // (`warnings` says which was used). Empty when none of them has an address.
  Mailbox from;
  // At most 1000 mailboxes each (the rest are dropped with a warning); groups are flattened.
  std::vector<Mailbox> reply_to;
  std::vector<Mailbox> to;
  std::vector<Mailbox> cc;
  std::string subject;  // RFC 2047 decoded, one line; "" when missing
  // The Date header in UTC; nullopt when it is missing or cannot be read.
  std::optional<std::chrono::sys_seconds> date;

  std::string body_text;  // UTF-8, '\n' line ends, no blank lines at either end
  BodySource body_source = BodySource::kNone;
  // The walk over the MIME tree reads at most 1000 parts and 32 levels (warnings say when a
  // message has more), which bounds the work a crafted message can cause here.
  std::vector<Attachment> attachments;
  std::vector<ForwardedMessage> forwarded;

  // Loop and noise headers, trimmed, as written; "" when absent.
  std::string auto_submitted;       // RFC 3834: "auto-replied", "auto-generated", "no"
  std::string precedence;           // "bulk", "junk", "list" (not a standard, widely used)
  std::vector<std::string> x_loop;  // every X-Loop header (a list adds its own), at most 20
  std::string list_id;              // RFC 2919
  std::string x_autoreply;          // X-Autoreply or X-Autorespond, which some responders use
  // Return-Path, the envelope sender the final MTA recorded, as an addr-spec with its domain
  // lower-cased; "" when absent or null.
  std::string return_path;
  bool null_return_path = false;  // "Return-Path: <>": a bounce or other notification

  // The report-type of a top-level multipart/report ("delivery-status",
  // "disposition-notification", ...); "" when the message is not a report.
  std::string report_type;
  // Set when report_type is delivery-status (or global-delivery-status, RFC 6533).
  std::optional<DeliveryReport> delivery_report;

  uint64_t size = 0;       // bytes of the raw message
  std::string raw_sha256;  // of the raw message, 64 lower-case hex digits: a dedup key for
                           // mail without a Message-ID
  std::vector<std::string> warnings;  // what was malformed and how it was read (at most 32)
};

// Parses one raw message (RFC 5322; CRLF or LF line ends; a leading mbox "From " line is
// skipped). Errors:
//  - kFailedPrecondition with reason kMessageTooLarge: larger than limits.max_message_bytes;
//  - kInvalidArgument (bad_field): empty input, or input GMime cannot read as a message.
Result<InboundMessage> ParseInbound(std::string_view raw_rfc5322, const ParseLimits& limits = {});

}  // namespace tl::mail
