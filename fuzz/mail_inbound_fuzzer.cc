// libFuzzer target: arbitrary bytes through ParseInbound and ClassifyIntake, with the
// contracts of their headers checked on every input (a broken one aborts the run):
//  - ParseInbound never crashes, and gives either a Status or a message whose strings are all
//    valid UTF-8 without control characters (body text: but '\n' and '\t');
//  - ClassifyIntake never crashes and names a ticket only for a reply or a bounce;
//  - the decoded subject and body, sent back out through ComposeMessage, read back the same.
// The HTML and RFC 2047 decoders also see the raw input directly.
//
// Build: cmake -DTL_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang ...
// Run:   mail_inbound_fuzzer -max_total_time=600 -rss_limit_mb=2048 CORPUS_DIR tests/data/mail
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mail/html_text.h"
#include "mail/inbound_message.h"
#include "mail/intake_rules.h"
#include "mail/internal/rfc2047.h"
#include "mail/internal/text.h"
#include "mail/outbound_message.h"

namespace {

using namespace tl::mail;

[[noreturn]] void Fail(const char* what, std::string_view value) {
  std::fprintf(stderr, "contract broken: %s: [%.*s]\n", what, static_cast<int>(value.size()),
               value.data());
  std::abort();
}

void CheckClean(const char* what, std::string_view s, bool body) {
  if (!internal::IsValidUtf8(s)) Fail(what, s);
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0x7F || (u < 0x20 && !(body && (c == '\n' || c == '\t')))) Fail(what, s);
  }
}

void CheckMailboxes(const char* what, const std::vector<Mailbox>& list) {
  for (const Mailbox& m : list) {
    CheckClean(what, m.address, false);
    CheckClean(what, m.display_name, false);
  }
}

void CheckMessage(const InboundMessage& m) {
  CheckClean("message_id", m.message_id, false);
  CheckClean("in_reply_to", m.in_reply_to, false);
  for (const std::string& r : m.references) CheckClean("references", r, false);
  CheckMailboxes("from", {m.from});
  CheckMailboxes("to", m.to);
  CheckMailboxes("cc", m.cc);
  CheckMailboxes("reply_to", m.reply_to);
  CheckClean("subject", m.subject, false);
  CheckClean("body_text", m.body_text, true);
  for (const Attachment& a : m.attachments) {
    CheckClean("filename", a.filename, false);
    CheckClean("content_type", a.content_type, false);
    if (a.sha256.size() != 64) Fail("sha256", a.sha256);
  }
  for (const ForwardedMessage& f : m.forwarded) {
    CheckMailboxes("forwarded from", {f.from});
    CheckClean("forwarded subject", f.subject, false);
    CheckClean("forwarded body", f.body_text, true);
  }
  CheckClean("auto_submitted", m.auto_submitted, false);
  CheckClean("precedence", m.precedence, false);
  for (const std::string& x : m.x_loop) CheckClean("x_loop", x, false);
  CheckClean("list_id", m.list_id, false);
  CheckClean("return_path", m.return_path, false);
  CheckClean("report_type", m.report_type, false);
  if (m.delivery_report) {
    CheckClean("original_message_id", m.delivery_report->original_message_id, false);
    for (const DsnRecipient& r : m.delivery_report->recipients) {
      CheckClean("final_recipient", r.final_recipient, false);
      CheckClean("diagnostic_code", r.diagnostic_code, false);
    }
  }
  for (const std::string& w : m.warnings) CheckClean("warning", w, false);
  if (m.warnings.size() > 32) Fail("warnings", "more than 32");
}

// What we would send back quoting this message reads back as the same subject and text.
void CheckRoundTrip(const InboundMessage& m) {
  OutboundMessage out;
  out.from = {"orakel@desk.example.org", m.from.display_name};
  out.to = {{"requester@example.org", ""}};
  out.subject = m.subject;
  out.message_id = "tl.fuzz@desk.example.org";
  out.body = m.body_text;
  auto raw = ComposeMessage(out);
  if (!raw.ok()) Fail("ComposeMessage refused parsed text", raw.status().ToString());
  auto back = ParseInbound(*raw);
  if (!back.ok()) Fail("our own message does not parse", back.status().ToString());
  if (back->subject != m.subject) Fail("subject round trip", m.subject + " -> " + back->subject);
  if (back->body_text != m.body_text) Fail("body round trip", m.body_text);
  if (back->from.display_name != m.from.display_name) {
    Fail("display name round trip", m.from.display_name + " -> " + back->from.display_name);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  CheckClean("HtmlToText", HtmlToText(raw), true);
  CheckClean("DecodeUnstructured", internal::CleanLine(internal::DecodeUnstructured(raw)), false);
  (void)internal::ReplaceEncodedWords(raw);

  auto parsed = ParseInbound(raw);
  if (!parsed.ok()) {
    const auto code = parsed.status().code();
    if (code != tl::StatusCode::kInvalidArgument && code != tl::StatusCode::kFailedPrecondition) {
      Fail("unexpected status", parsed.status().ToString());
    }
    return 0;
  }
  CheckMessage(*parsed);

  static const IntakeConfig kDesk{"Orakel", {"orakel@desk.example.org"}, "desk.example.org"};
  const IntakeDecision d = ClassifyIntake(
      *parsed, kDesk,
      [](std::string_view id) -> std::optional<TicketNumber> {
        if (id.size() > 4 && id.substr(id.size() - 4) == ".net") return 7;
        return std::nullopt;
      },
      [](std::string_view id) { return id == "seen@example.org"; });
  const bool names_ticket = d.kind == IntakeKind::kReply || d.kind == IntakeKind::kBounce;
  if (names_ticket != (d.ticket != 0)) Fail("ticket", d.detail);
  if ((d.kind == IntakeKind::kIgnore) != (d.ignore_reason != IgnoreReason::kNone)) {
    Fail("ignore reason", d.detail);
  }
  CheckClean("detail", d.detail, false);

  CheckRoundTrip(*parsed);
  return 0;
}
