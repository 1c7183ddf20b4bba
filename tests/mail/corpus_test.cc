// The corpus: tests/data/mail/*.eml, real-shaped messages, and expected.json, what each must
// parse to and how the intake must classify it. Expectations were written from what each
// message was built from (attachment hashes by another program), never from this parser.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mail/inbound_message.h"
#include "mail/intake_rules.h"
#include "tests/mail/mail_test_support.h"

namespace tl::mail {
namespace {

namespace json = boost::json;
using testing::CorpusDir;
using testing::ReadFile;

json::object LoadExpectations() {
  return json::parse(ReadFile(CorpusDir() / "expected.json")).as_object();
}

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(CorpusDir())) {
    if (entry.path().extension() == ".eml") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Str(const json::value& v) { return std::string(v.as_string()); }

std::vector<std::string> StrList(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) out.push_back(Str(e));
  return out;
}

std::vector<std::string> Addresses(const std::vector<Mailbox>& list) {
  std::vector<std::string> out;
  for (const Mailbox& m : list) out.push_back(m.address);
  return out;
}

std::string IsoUtc(std::chrono::sys_seconds t) {
  const std::time_t tt = t.time_since_epoch().count();
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The invariant of inbound_message.h: valid UTF-8 everywhere, no controls in one-line fields.
void CheckClean(const std::string& s, bool body) {
  CHECK(testing::IsUtf8(s));
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool allowed = u >= 0x20 || (body && (c == '\n' || c == '\t'));
    CHECK((allowed && u != 0x7F));
  }
}

void CheckInvariants(const InboundMessage& m) {
  for (const std::string* s :
       {&m.message_id, &m.in_reply_to, &m.from.address, &m.from.display_name, &m.subject,
        &m.auto_submitted, &m.precedence, &m.list_id, &m.return_path, &m.report_type}) {
    CheckClean(*s, false);
  }
  CheckClean(m.body_text, true);
  for (const Attachment& a : m.attachments) {
    CheckClean(a.filename, false);
    CHECK(a.sha256.size() == 64);
  }
  for (const auto& list : {m.to, m.cc, m.reply_to}) {
    for (const Mailbox& mb : list) {
      CheckClean(mb.address, false);
      CheckClean(mb.display_name, false);
    }
  }
  CHECK(m.raw_sha256.size() == 64);
}

void CheckMessage(const std::string& name, const InboundMessage& m, const json::object& e) {
  INFO("corpus file " << name);
  CheckInvariants(m);
  if (auto* v = e.if_contains("message_id")) CHECK(m.message_id == Str(*v));
  if (auto* v = e.if_contains("in_reply_to")) CHECK(m.in_reply_to == Str(*v));
  if (auto* v = e.if_contains("references")) CHECK(m.references == StrList(*v));
  if (auto* v = e.if_contains("from")) CHECK(m.from.address == Str(*v));
  if (auto* v = e.if_contains("from_name")) CHECK(m.from.display_name == Str(*v));
  if (auto* v = e.if_contains("to")) CHECK(Addresses(m.to) == StrList(*v));
  if (auto* v = e.if_contains("cc")) CHECK(Addresses(m.cc) == StrList(*v));
  if (auto* v = e.if_contains("reply_to")) CHECK(Addresses(m.reply_to) == StrList(*v));
  if (auto* v = e.if_contains("subject")) CHECK(m.subject == Str(*v));
  if (auto* v = e.if_contains("subject_contains")) {
    for (const auto& part : StrList(*v)) CHECK_THAT(m.subject, Catch::Contains(part));
  }
  if (auto* v = e.if_contains("date")) {
    if (v->is_null()) {
      CHECK_FALSE(m.date.has_value());
    } else {
      REQUIRE(m.date.has_value());
      CHECK(IsoUtc(*m.date) == Str(*v));
    }
  }
  if (auto* v = e.if_contains("body_source")) {
    const std::string want = Str(*v);
    CHECK((m.body_source == (want == "plain"  ? BodySource::kPlain
                             : want == "html" ? BodySource::kHtml
                                              : BodySource::kNone)));
  }
  if (auto* v = e.if_contains("body_text")) CHECK(m.body_text == Str(*v));
  if (auto* v = e.if_contains("body_starts_with"))
    CHECK_THAT(m.body_text, Catch::StartsWith(Str(*v)));
  if (auto* v = e.if_contains("body_contains")) {
    for (const auto& part : StrList(*v)) CHECK_THAT(m.body_text, Catch::Contains(part));
  }
  if (auto* v = e.if_contains("body_not_contains")) {
    for (const auto& part : StrList(*v)) CHECK_THAT(m.body_text, !Catch::Contains(part));
  }
  if (auto* v = e.if_contains("attachments")) {
    const auto& want = v->as_array();
    REQUIRE(m.attachments.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const json::object& a = want[i].as_object();
      const Attachment& got = m.attachments[i];
      INFO("attachment " << i);
      if (auto* f = a.if_contains("filename")) CHECK(got.filename == Str(*f));
      if (auto* f = a.if_contains("content_type")) CHECK(got.content_type == Str(*f));
      if (auto* f = a.if_contains("size")) CHECK(got.size == f->to_number<uint64_t>());
      if (auto* f = a.if_contains("sha256")) CHECK(got.sha256 == Str(*f));
      if (auto* f = a.if_contains("inline")) CHECK(got.inline_part == f->as_bool());
    }
  }
  if (auto* v = e.if_contains("forwarded")) {
    const auto& want = v->as_array();
    REQUIRE(m.forwarded.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const json::object& f = want[i].as_object();
      const ForwardedMessage& got = m.forwarded[i];
      CHECK(got.from.address == Str(f.at("from")));
      CHECK(got.from.display_name == Str(f.at("from_name")));
      CHECK(got.subject == Str(f.at("subject")));
      CHECK(got.message_id == Str(f.at("message_id")));
      CHECK_THAT(got.body_text, Catch::Contains(Str(f.at("body_contains"))));
    }
  }
  if (auto* v = e.if_contains("auto_submitted")) CHECK(m.auto_submitted == Str(*v));
  if (auto* v = e.if_contains("precedence")) CHECK(m.precedence == Str(*v));
  if (auto* v = e.if_contains("list_id")) CHECK(m.list_id == Str(*v));
  if (auto* v = e.if_contains("x_loop")) CHECK(m.x_loop == StrList(*v));
  if (auto* v = e.if_contains("null_return_path")) CHECK(m.null_return_path == v->as_bool());
  if (auto* v = e.if_contains("report_type")) CHECK(m.report_type == Str(*v));
  if (auto* v = e.if_contains("dsn")) {
    const json::object& d = v->as_object();
    REQUIRE(m.delivery_report.has_value());
    CHECK(m.delivery_report->original_message_id == Str(d.at("original_message_id")));
    CHECK(m.delivery_report->FailedRecipients() == StrList(d.at("failed_recipients")));
    if (auto* s = d.if_contains("status")) {
      REQUIRE_FALSE(m.delivery_report->recipients.empty());
      CHECK(m.delivery_report->recipients.front().status == Str(*s));
    }
    if (auto* s = d.if_contains("reporting_mta")) {
      CHECK(m.delivery_report->reporting_mta == Str(*s));
    }
  }
  if (auto* v = e.if_contains("warnings_nonempty")) CHECK(!m.warnings.empty() == v->as_bool());
}

void CheckDecision(const std::string& name, const IntakeDecision& d, const json::object& e) {
  INFO("corpus file " << name << ": " << IntakeKindName(d.kind) << " ("
                      << IgnoreReasonName(d.ignore_reason) << ") " << d.detail);
  CHECK(IntakeKindName(d.kind) == Str(e.at("kind")));
  if (auto* v = e.if_contains("reason")) CHECK(IgnoreReasonName(d.ignore_reason) == Str(*v));
  if (auto* v = e.if_contains("ticket")) CHECK(d.ticket == v->to_number<uint64_t>());
  if (auto* v = e.if_contains("bounced_message_id")) CHECK(d.bounced_message_id == Str(*v));
  if (auto* v = e.if_contains("failed_recipients")) CHECK(d.failed_recipients == StrList(*v));
  if (auto* v = e.if_contains("auto_reply_allowed")) CHECK(d.auto_reply_allowed == v->as_bool());
}

TEST_CASE("The corpus holds at least 30 messages and expected.json describes each of them") {
  const json::object expected = LoadExpectations();
  const json::object& messages = expected.at("messages").as_object();
  const std::vector<std::string> files = CorpusFiles();
  CHECK(files.size() >= 30);
  std::set<std::string> described;
  for (const auto& [name, value] : messages) described.insert(std::string(name));
  CHECK(std::set<std::string>(files.begin(), files.end()) == described);
}

TEST_CASE("Every corpus message parses and is classified as expected.json says") {
  const json::object expected = LoadExpectations();
  const json::object& desk = expected.at("desk").as_object();
  IntakeConfig config;
  config.origin = Str(desk.at("origin"));
  config.own_addresses = StrList(desk.at("own_addresses"));
  config.message_id_domain = Str(desk.at("message_id_domain"));
  std::map<std::string, TicketNumber, std::less<>> sent;
  for (const auto& [id, ticket] : desk.at("sent").as_object()) {
    sent[std::string(id)] = ticket.to_number<TicketNumber>();
  }
  const SentMessageLookup sent_lookup = [&](std::string_view id) -> std::optional<TicketNumber> {
    auto it = sent.find(id);
    return it == sent.end() ? std::nullopt : std::optional<TicketNumber>(it->second);
  };
  // Messages are taken in in file order, as a mail gateway would deliver them.
  std::set<std::string, std::less<>> received;
  const ReceivedMessageLookup received_lookup = [&](std::string_view id) {
    return received.find(id) != received.end();
  };

  const json::object& messages = expected.at("messages").as_object();
  for (const std::string& name : CorpusFiles()) {
    const json::value* e = messages.if_contains(name);
    if (e == nullptr) continue;  // the test above reports it
    const InboundMessage m = testing::ParseCorpusFile(name);
    CheckMessage(name, m, e->as_object());
    const IntakeDecision d = ClassifyIntake(m, config, sent_lookup, received_lookup);
    if (auto* intake = e->as_object().if_contains("intake")) {
      CheckDecision(name, d, intake->as_object());
    }
    if (!m.message_id.empty()) received.insert(m.message_id);
  }
}

TEST_CASE("A corpus message parses the same with CRLF line ends as with LF") {
  for (const std::string& name : CorpusFiles()) {
    const std::string lf = ReadFile(CorpusDir() / name);
    if (lf.find('\r') != std::string::npos) continue;  // already CRLF
    std::string crlf;
    for (char c : lf) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    auto a = ParseInbound(lf);
    auto b = ParseInbound(crlf);
    INFO(name);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->message_id == b->message_id);
    CHECK(a->subject == b->subject);
    CHECK(a->from == b->from);
    CHECK(a->body_text == b->body_text);
    REQUIRE(a->attachments.size() == b->attachments.size());
    for (size_t i = 0; i < a->attachments.size(); ++i) {
      CHECK(a->attachments[i].filename == b->attachments[i].filename);
      // Base64 content decodes to the same bytes whatever the line ends.
      if (a->attachments[i].content_type != "text/plain" &&
          a->attachments[i].content_type != "message/rfc822") {
        CHECK(a->attachments[i].sha256 == b->attachments[i].sha256);
      }
    }
  }
}

}  // namespace
}  // namespace tl::mail
