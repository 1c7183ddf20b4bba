// ComposeMessage and the default texts: the bytes are checked as bytes (CRLF, line lengths,
// encoded words), then read back with ParseInbound and classified as our own mail.
#include "mail/outbound_message.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "mail/inbound_message.h"
#include "mail/intake_rules.h"

namespace tl::mail {
namespace {

using namespace std::chrono_literals;

// 2025-12-04 22:13:00 UTC, a Thursday.
constexpr std::chrono::sys_seconds kWhen{std::chrono::seconds(1764886380)};

OutboundMessage Acknowledgement() {
  const MailText text = AcknowledgementText("Orakel", 1042, "Får ikke logget inn på Feide");
  OutboundMessage m;
  m.from = {"orakel@desk.example.org", "Orakel – brukerstøtte"};
  m.to = {{"ola.nordmann@uni-ost.example.no", "Ståle Bjørnø"}};
  m.subject = text.subject;
  m.date = kWhen;
  m.message_id = "tl.0193a5f0-7c1e-7a3b-9f00-5a1d2c3b4e01@desk.example.org";
  const ThreadHeaders thread = ReplyThreadHeaders("CAF3k9x=plain01@mail.uni-ost.example.no", {});
  m.in_reply_to = thread.in_reply_to;
  m.references = thread.references;
  m.auto_submitted = AutoSubmitted::kAutoReplied;
  m.x_loop = "orakel@desk.example.org";
  m.body = text.body;
  return m;
}

std::string Compose(const OutboundMessage& m) {
  auto bytes = ComposeMessage(m);
  INFO(bytes.status().ToString());
  REQUIRE(bytes.ok());
  return *bytes;
}

// The header block, unfolded, as "Name: value" lines.
std::vector<std::string> Headers(const std::string& raw) {
  std::vector<std::string> out;
  const std::string head = raw.substr(0, raw.find("\r\n\r\n"));
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    const std::string line = head.substr(pos, end - pos);
    if (!out.empty() && (line[0] == ' ' || line[0] == '\t')) {
      out.back() += line;
    } else {
      out.push_back(line);
    }
    pos = end + 2;
  }
  return out;
}

bool HasHeader(const std::string& raw, const std::string& prefix) {
  for (const std::string& h : Headers(raw)) {
    if (h.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TEST_CASE("A composed message has CRLF line ends, short lines and only ASCII on the wire") {
  OutboundMessage m = Acknowledgement();
  m.body += std::string(3000, 'x') + " æøå\n.leading dot\n";
  m.subject = std::string(500, 'S') + " " + std::string(300, 's') + " ø";
  m.to.push_back({std::string(64, 'a') + "@" + std::string(180, 'b') + ".example", "A B"});
  for (int i = 0; i < 20; ++i) m.references.push_back(std::string(200, 'r') + "@x.example");
  const std::string raw = Compose(m);
  size_t line_start = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n') {
      REQUIRE(i > 0);
      CHECK(raw[i - 1] == '\r');
      CHECK(i - 1 - line_start <= 998);
      line_start = i + 1;
    }
    CHECK(static_cast<unsigned char>(raw[i]) < 0x80);
  }
  CHECK(raw.substr(raw.size() - 2) == "\r\n");
}

TEST_CASE("The headers say who, what, when, which thread, and that a machine wrote it") {
  const std::string raw = Compose(Acknowledgement());
  // GMime encodes only the words that need it, as RFC 2047 encoded words in UTF-8.
  CHECK(HasHeader(raw, "From: Orakel =?UTF-8?"));
  CHECK(HasHeader(raw, "To: =?UTF-8?"));
  CHECK(HasHeader(raw, "Subject: [Orakel #1042] =?UTF-8?"));
  CHECK(HasHeader(raw, "Date: Thu, 04 Dec 2025 22:13:00 +0000"));
  CHECK(HasHeader(raw, "Message-Id: <tl.0193a5f0-7c1e-7a3b-9f00-5a1d2c3b4e01@desk.example.org>"));
  CHECK(HasHeader(raw, "In-Reply-To: <CAF3k9x=plain01@mail.uni-ost.example.no>"));
  CHECK(HasHeader(raw, "References: <CAF3k9x=plain01@mail.uni-ost.example.no>"));
  CHECK(HasHeader(raw, "Auto-Submitted: auto-replied"));
  CHECK(HasHeader(raw, "X-Auto-Response-Suppress: All"));
  CHECK(HasHeader(raw, "X-Loop: orakel@desk.example.org"));
  CHECK(HasHeader(raw, "MIME-Version: 1.0"));
  CHECK(HasHeader(raw, "Content-Type: text/plain; charset=utf-8"));
  CHECK(HasHeader(raw, "Content-Transfer-Encoding: quoted-printable"));
}

TEST_CASE("A composed message reads back as written and comes back as our own loop") {
  const OutboundMessage m = Acknowledgement();
  auto parsed = ParseInbound(Compose(m));
  REQUIRE(parsed.ok());
  CHECK(parsed->from == m.from);
  CHECK(parsed->to == m.to);
  CHECK(parsed->subject == "[Orakel #1042] Får ikke logget inn på Feide");
  CHECK(parsed->message_id == m.message_id);
  CHECK(parsed->in_reply_to == m.in_reply_to);
  CHECK(parsed->references == m.references);
  CHECK(parsed->date == kWhen);
  CHECK(parsed->body_text + "\n" == m.body);
  CHECK(parsed->auto_submitted == "auto-replied");
  CHECK(parsed->warnings.empty());

  const IntakeConfig desk{"Orakel", {"orakel@desk.example.org"}, "desk.example.org"};
  const IntakeDecision d =
      ClassifyIntake(*parsed, desk, [](std::string_view) { return std::nullopt; });
  CHECK(d.kind == IntakeKind::kIgnore);
  CHECK(d.ignore_reason == IgnoreReason::kLoop);
}

TEST_CASE("Composing is deterministic, so a retried send sends the same bytes") {
  CHECK(Compose(Acknowledgement()) == Compose(Acknowledgement()));
}

TEST_CASE("An agent's reply has no Auto-Submitted header and may go out as 8bit") {
  OutboundMessage m = Acknowledgement();
  const MailText text =
      ReplyText("Orakel", 1042, "SV: Får ikke logget inn", "Hei Ola,\n\nPrøv nå.\n");
  m.subject = text.subject;
  m.body = text.body;
  m.auto_submitted = AutoSubmitted::kNo;
  m.encoding = BodyEncoding::k8Bit;
  auto raw = ComposeMessage(m);
  REQUIRE(raw.ok());
  CHECK_FALSE(HasHeader(*raw, "Auto-Submitted"));
  CHECK_FALSE(HasHeader(*raw, "X-Auto-Response-Suppress"));
  CHECK(HasHeader(*raw, "Content-Transfer-Encoding: 8bit"));
  CHECK_THAT(*raw, Catch::Contains("Prøv nå.\r\n"));
  auto parsed = ParseInbound(*raw);
  REQUIRE(parsed.ok());
  CHECK(parsed->subject == "Re: [Orakel #1042] Får ikke logget inn");
  CHECK(parsed->body_text == "Hei Ola,\n\nPrøv nå.");

  m.body = std::string(1200, 'y') + "\n";  // too long a line for 8bit
  auto long_line = ComposeMessage(m);
  REQUIRE(long_line.ok());
  CHECK(HasHeader(*long_line, "Content-Transfer-Encoding: quoted-printable"));
  m.body = "ascii only\n";
  auto ascii = ComposeMessage(m);
  REQUIRE(ascii.ok());
  CHECK(HasHeader(*ascii, "Content-Transfer-Encoding: 7bit"));
}

TEST_CASE("Line breaks in a subject or name cannot add headers") {
  OutboundMessage m = Acknowledgement();
  m.subject = "Hei\r\nBcc: victim@example.org";
  m.to[0].display_name = "Ola\nBcc: other@example.org";
  auto raw = ComposeMessage(m);
  REQUIRE(raw.ok());
  CHECK_FALSE(HasHeader(*raw, "Bcc:"));
  auto parsed = ParseInbound(*raw);
  REQUIRE(parsed.ok());
  CHECK(parsed->subject == "Hei Bcc: victim@example.org");
}

TEST_CASE("Invalid addresses, ids and text are refused with the field named") {
  auto refused = [](auto change, std::string_view field) {
    OutboundMessage m = Acknowledgement();
    change(m);
    auto raw = ComposeMessage(m);
    REQUIRE_FALSE(raw.ok());
    CHECK_THAT(std::string(raw.status().message()), Catch::StartsWith(std::string(field)));
  };
  refused([](OutboundMessage& m) { m.to.clear(); }, "to");
  refused([](OutboundMessage& m) { m.to[0].address = "no-at-sign"; }, "to");
  refused([](OutboundMessage& m) { m.to[0].address = "a@b\r\nRCPT TO:<x@y>"; }, "to");
  refused([](OutboundMessage& m) { m.from.address = "a b@c.d"; }, "from");
  refused([](OutboundMessage& m) { m.cc = {{"two@@at.example", ""}}; }, "cc");
  refused([](OutboundMessage& m) { m.message_id = ""; }, "message_id");
  refused([](OutboundMessage& m) { m.message_id = "<with@brackets>"; }, "message_id");
  refused([](OutboundMessage& m) { m.references = {"bad id@x"}; }, "references");
  refused([](OutboundMessage& m) { m.in_reply_to = "x"; }, "in_reply_to");
  refused([](OutboundMessage& m) { m.x_loop = "not an address"; }, "x_loop");
  refused([](OutboundMessage& m) { m.subject = "bl\xE5"; }, "subject");
  refused([](OutboundMessage& m) { m.body = "bl\xE5"; }, "body");
  refused([](OutboundMessage& m) { m.body = std::string("a\0b", 3); }, "body");
  refused([](OutboundMessage& m) { m.to[0].display_name = "\xFF"; }, "to");
  refused([](OutboundMessage& m) { m.message_id = std::string(250, 'x') + "@desk.example.org"; },
          "message_id");
}

TEST_CASE("ReplyThreadHeaders chains References and keeps the root and the 19 newest") {
  const ThreadHeaders first = ReplyThreadHeaders("p@x", {}, "");
  CHECK(first.in_reply_to == "p@x");
  CHECK(first.references == std::vector<std::string>{"p@x"});
  const ThreadHeaders via_irt = ReplyThreadHeaders("p@x", {}, "gp@x");
  CHECK(via_irt.references == std::vector<std::string>{"gp@x", "p@x"});
  std::vector<std::string> long_thread;
  for (int i = 0; i < 30; ++i) {
    std::string id = "m";  // not "m" + ...: g++ 12's -Wrestrict false positive (GCC bug 105329)
    id += std::to_string(i);
    id += "@x";
    long_thread.push_back(id);
  }
  const ThreadHeaders t = ReplyThreadHeaders("p@x", long_thread);
  REQUIRE(t.references.size() == 20);
  CHECK(t.references.front() == "m0@x");
  CHECK(t.references[1] == "m12@x");
  CHECK(t.references.back() == "p@x");
}

TEST_CASE("MakeMessageId makes a valid id in our domain, or says why not") {
  auto id = MakeMessageId("0193a5f0-7c1e-7a3b-9f00-5a1d2c3b4e01", "desk.example.org");
  REQUIRE(id.ok());
  CHECK(*id == "tl.0193a5f0-7c1e-7a3b-9f00-5a1d2c3b4e01@desk.example.org");
  CHECK_FALSE(MakeMessageId("has space", "desk.example.org").ok());
  CHECK_FALSE(MakeMessageId("x", "").ok());
}

TEST_CASE("Subjects get the ticket tag once, after any reply prefix") {
  CHECK(TicketTag("Orakel", 42) == "[Orakel #42]");
  CHECK(TaggedSubject("Orakel", 42, "Printer") == "[Orakel #42] Printer");
  CHECK(TaggedSubject("Orakel", 42, "Re: SV: Printer") == "Re: SV: [Orakel #42] Printer");
  CHECK(TaggedSubject("Orakel", 42, "Re: [orakel #42] Printer") == "Re: [orakel #42] Printer");
  CHECK(TaggedSubject("Orakel", 42, "") == "[Orakel #42]");
  CHECK(ReplyText("Orakel", 42, "Printer", "b").subject == "Re: [Orakel #42] Printer");
  CHECK(ReplyText("Orakel", 42, "SV: [Orakel #42] Printer", "b").subject ==
        "Re: [Orakel #42] Printer");
}

TEST_CASE("The default texts carry the ticket number, in Norwegian and English") {
  const MailText ack = AcknowledgementText("Orakel", 7, "Printer");
  CHECK(ack.subject == "[Orakel #7] Printer");
  CHECK_THAT(ack.body, Catch::Contains("saksnummer [Orakel #7]") &&
                           Catch::Contains("registered it as ticket [Orakel #7]"));
  const MailText invite =
      FeedbackInvitationText("Orakel", 7, "Re: Printer", "https://desk.example.org/f/abc");
  CHECK(invite.subject == "[Orakel #7] Tilbakemelding / Feedback: Printer");
  CHECK_THAT(invite.body, Catch::Contains("\nhttps://desk.example.org/f/abc\n") &&
                              Catch::Contains("er løst") && Catch::Contains("has been resolved"));
  OutboundMessage m = Acknowledgement();
  m.subject = invite.subject;
  m.body = invite.body;
  m.auto_submitted = AutoSubmitted::kAutoGenerated;
  auto raw = ComposeMessage(m);
  REQUIRE(raw.ok());
  CHECK(HasHeader(*raw, "Auto-Submitted: auto-generated"));
  auto parsed = ParseInbound(*raw);
  REQUIRE(parsed.ok());
  CHECK_THAT(parsed->body_text, Catch::Contains("https://desk.example.org/f/abc"));
}

// Found by the fuzzer: GMime wrote "=?ut" as it is and then folded inside its own encoded word,
// and left '=' unescaped in a Q encoded word.
TEST_CASE("Text that looks like an encoded word reads back as the same text") {
  OutboundMessage m = Acknowledgement();
  m.subject =
      "=?ut \xEF\xBF\xBDte om \xC3\xB8konomi – =?utf-8?Q?literal?= and a long tail after it";
  m.from.display_name = "=?utf-8?Q?not_encoded?= Orakel";
  m.to[0].display_name = "=\xC3\xA1?utf-8?q?=C3=98konomi?= a_b";  // '=' in a non-ASCII word
  auto raw = ComposeMessage(m);
  REQUIRE(raw.ok());
  auto parsed = ParseInbound(*raw);
  REQUIRE(parsed.ok());
  CHECK(parsed->subject == m.subject);
  CHECK(parsed->from == m.from);
  CHECK(parsed->to == m.to);
  for (const std::string& h : Headers(*raw)) CHECK(h.size() <= 998);
}

}  // namespace
}  // namespace tl::mail
