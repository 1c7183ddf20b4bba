// ClassifyIntake, rule by rule and in its order (mail/intake_rules.h), on messages built here.
#include "mail/intake_rules.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace tl::mail {
namespace {

const IntakeConfig kDesk{
    "Orakel", {"orakel@desk.example.org", "Support@Desk.Example.org"}, "desk.example.org"};
const std::map<std::string, TicketNumber, std::less<>> kSent = {{"tl.a@desk.example.org", 42},
                                                                {"tl.b@desk.example.org", 43}};

std::optional<TicketNumber> Sent(std::string_view id) {
  auto it = kSent.find(id);
  return it == kSent.end() ? std::nullopt : std::optional<TicketNumber>(it->second);
}

InboundMessage Customer() {
  InboundMessage m;
  m.message_id = "abc@customer.example.com";
  m.from = {"kari@customer.example.com", "Kari"};
  m.subject = "Printer on fire";
  m.body_text = "Help";
  return m;
}

IntakeDecision Classify(const InboundMessage& m) { return ClassifyIntake(m, kDesk, Sent); }

TEST_CASE("A message from a customer with no tag and no thread is a new request") {
  const IntakeDecision d = Classify(Customer());
  CHECK(d.kind == IntakeKind::kNew);
  CHECK(d.ignore_reason == IgnoreReason::kNone);
  CHECK(d.auto_reply_allowed);
  CHECK(d.ticket == 0);
}

TEST_CASE("The ticket tag is found after any reply prefix, in any case, with loose spacing") {
  for (const char* subject :
       {"[Orakel #42] x", "Re: [Orakel #42] x", "SV: [orakel #42]", "AW: Fwd: [ORAKEL   #42]",
        "Fwd: x [ Orakel#42 ] y", "VS: Re: [Orakel\t#42]"}) {
    INFO(subject);
    CHECK(FindTicketTag(subject, "Orakel") == std::optional<TicketNumber>(42));
  }
  CHECK(FindTicketTag("[Orakel #42] [Orakel #43]", "Orakel") == std::optional<TicketNumber>(42));
  CHECK(FindTicketTag("[Other #1] [Orakel #7]", "Orakel") == std::optional<TicketNumber>(7));
}

TEST_CASE("Things that look like a tag but are not one are not matched") {
  for (const char* subject :
       {"Orakel #42", "[Orakelx #42]", "[Orakel 42]", "[Orakel #]", "[Orakel #0]", "[Orakel #42",
        "[Orakel #4x2]", "[Orakel #99999999999999999999]", "[Oracle #42]", ""}) {
    INFO(subject);
    CHECK_FALSE(FindTicketTag(subject, "Orakel").has_value());
  }
  CHECK_FALSE(FindTicketTag("[ #42]", "").has_value());
  CHECK(FindTicketTag("[Orakel #18446744073709551615]", "Orakel") ==
        std::optional<TicketNumber>(18446744073709551615ull));
}

TEST_CASE("A tagged subject makes a reply to that ticket") {
  InboundMessage m = Customer();
  m.subject = "Re: [orakel #77] Printer on fire";
  const IntakeDecision d = Classify(m);
  CHECK(d.kind == IntakeKind::kReply);
  CHECK(d.ticket == 77);
  CHECK(d.auto_reply_allowed);
}

TEST_CASE("In-Reply-To, then References from the newest, name the ticket of a message we sent") {
  InboundMessage m = Customer();
  m.in_reply_to = "tl.b@desk.example.org";
  m.references = {"tl.a@desk.example.org", "tl.b@desk.example.org"};
  CHECK(Classify(m).ticket == 43);
  m.in_reply_to = "someone@else.example";
  m.references = {"tl.b@desk.example.org", "tl.a@desk.example.org", "someone@else.example"};
  const IntakeDecision d = Classify(m);
  CHECK(d.kind == IntakeKind::kReply);
  CHECK(d.ticket == 42);
  CHECK_THAT(d.detail, Catch::Contains("References"));
}

TEST_CASE("The subject tag wins over threading headers") {
  InboundMessage m = Customer();
  m.subject = "Re: [Orakel #7] x";
  m.in_reply_to = "tl.a@desk.example.org";
  CHECK(Classify(m).ticket == 7);
}

TEST_CASE("Auto-Submitted other than no is ignored, with or without parameters") {
  InboundMessage m = Customer();
  m.subject = "Automatic reply: [Orakel #42] x";
  for (const char* value :
       {"auto-replied", "auto-generated", "Auto-Replied; owner=x", "auto-notified (vacation)"}) {
    m.auto_submitted = value;
    INFO(value);
    const IntakeDecision d = Classify(m);
    CHECK(d.kind == IntakeKind::kIgnore);
    CHECK(d.ignore_reason == IgnoreReason::kAutoSubmitted);
  }
  m.auto_submitted = "No";
  CHECK(Classify(m).kind == IntakeKind::kReply);
  m.auto_submitted = "no (a person wrote this)";
  CHECK(Classify(m).kind == IntakeKind::kReply);
}

TEST_CASE("X-Autoreply and Precedence bulk, junk and list are ignored") {
  InboundMessage m = Customer();
  m.x_autoreply = "yes";
  CHECK(Classify(m).ignore_reason == IgnoreReason::kAutoSubmitted);
  for (const char* value : {"bulk", "Junk", "LIST"}) {
    InboundMessage p = Customer();
    p.precedence = value;
    CHECK(Classify(p).ignore_reason == IgnoreReason::kBulk);
  }
  InboundMessage first_class = Customer();
  first_class.precedence = "first-class";
  CHECK(Classify(first_class).kind == IntakeKind::kNew);
}

TEST_CASE("Mail from a list without Precedence is taken in but gets no automatic answer") {
  InboundMessage m = Customer();
  m.list_id = "<brukerforum.groups.example.com>";
  const IntakeDecision d = Classify(m);
  CHECK(d.kind == IntakeKind::kNew);
  CHECK_FALSE(d.auto_reply_allowed);
}

TEST_CASE("Our own mail coming back is a loop, however it is recognised") {
  InboundMessage x_loop = Customer();
  x_loop.x_loop = {"list@lists.example.org", "<ORAKEL@desk.example.org>"};
  CHECK(Classify(x_loop).ignore_reason == IgnoreReason::kLoop);

  InboundMessage our_domain = Customer();
  our_domain.message_id = "tl.zzz@Desk.Example.Org";
  CHECK(Classify(our_domain).ignore_reason == IgnoreReason::kLoop);

  InboundMessage sent_id = Customer();
  sent_id.message_id = "tl.a@desk.example.org";
  CHECK(Classify(sent_id).ignore_reason == IgnoreReason::kLoop);

  InboundMessage from_us = Customer();
  from_us.from.address = "support@desk.example.org";
  CHECK(Classify(from_us).ignore_reason == IgnoreReason::kLoop);

  // Someone else's X-Loop is not ours.
  InboundMessage other = Customer();
  other.x_loop = {"helpdesk@elsewhere.example"};
  CHECK(Classify(other).kind == IntakeKind::kNew);
}

TEST_CASE("A bounce of a message we sent names its ticket and the failed recipients") {
  InboundMessage m = Customer();
  m.from.address = "MAILER-DAEMON@mx.example.org";
  m.auto_submitted = "auto-replied";  // DSNs carry it too: the bounce check comes first
  m.null_return_path = true;
  m.report_type = "delivery-status";
  DeliveryReport report;
  report.original_message_id = "tl.b@desk.example.org";
  report.recipients = {{"kari@customer.example.com", "failed", "5.1.1", "smtp; 550"},
                       {"per@customer.example.com", "delivered", "2.0.0", ""}};
  m.delivery_report = report;
  const IntakeDecision d = Classify(m);
  CHECK(d.kind == IntakeKind::kBounce);
  CHECK(d.ticket == 43);
  CHECK(d.bounced_message_id == "tl.b@desk.example.org");
  CHECK(d.failed_recipients == std::vector<std::string>{"kari@customer.example.com"});
}

TEST_CASE("Reports that are not failures of our mail are ignored, never made tickets") {
  InboundMessage m = Customer();
  m.report_type = "delivery-status";
  DeliveryReport delayed;
  delayed.original_message_id = "tl.a@desk.example.org";
  delayed.recipients = {{"x@y.example", "delayed", "4.4.1", ""}};
  m.delivery_report = delayed;
  CHECK(Classify(m).ignore_reason == IgnoreReason::kDeliveryNotice);

  DeliveryReport foreign;
  foreign.original_message_id = "spam@forged.example";
  foreign.recipients = {{"x@y.example", "failed", "5.1.1", ""}};
  m.delivery_report = foreign;
  CHECK(Classify(m).ignore_reason == IgnoreReason::kUnrelatedBounce);

  foreign.original_message_id = "";
  m.delivery_report = foreign;
  CHECK(Classify(m).ignore_reason == IgnoreReason::kUnrelatedBounce);

  InboundMessage mdn = Customer();
  mdn.report_type = "disposition-notification";
  CHECK(Classify(mdn).ignore_reason == IgnoreReason::kReadReceipt);
}

TEST_CASE("A null envelope sender or no sender at all is ignored") {
  InboundMessage null_sender = Customer();
  null_sender.null_return_path = true;
  CHECK(Classify(null_sender).ignore_reason == IgnoreReason::kNullSender);
  InboundMessage nobody = Customer();
  nobody.from = {};
  CHECK(Classify(nobody).ignore_reason == IgnoreReason::kNoSender);
}

TEST_CASE("A Message-ID already received is a duplicate, before any other rule") {
  InboundMessage m = Customer();
  m.subject = "[Orakel #42] again";
  const ReceivedMessageLookup seen = [](std::string_view id) {
    return id == "abc@customer.example.com";
  };
  CHECK(ClassifyIntake(m, kDesk, Sent, seen).ignore_reason == IgnoreReason::kDuplicate);
  m.message_id = "";  // no id, no duplicate check (the caller may dedup on raw_sha256)
  CHECK(ClassifyIntake(m, kDesk, Sent, seen).kind == IntakeKind::kReply);
}

TEST_CASE("Every kind and reason has a name") {
  CHECK(IntakeKindName(IntakeKind::kBounce) == "bounce");
  CHECK(IgnoreReasonName(IgnoreReason::kUnrelatedBounce) == "unrelated_bounce");
  CHECK(IgnoreReasonName(IgnoreReason::kDeliveryNotice) == "delivery_notice");
}

}  // namespace
}  // namespace tl::mail
