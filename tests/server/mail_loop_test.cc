// The desk's mail loop through real parts (docs/mail.md): a real server with --smtp pointing at
// a real SMTP server on loopback (tests/mail/smtp_sink.py, aiosmtpd), mail posted as the
// mailgate role, what arrives at the sink parsed with the mail library.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "mail/inbound_message.h"
#include "tests/mail/mail_test_support.h"
#include "tests/server/api_support.h"

using namespace tl::testing;
using tl::mail::testing::HaveAiosmtpd;
using tl::mail::testing::SmtpSink;
namespace json = boost::json;

namespace {

// The corpus' bytes (tests/data/mail).
std::string Corpus(const std::string& name) { return tl::mail::testing::ReadCorpusFile(name); }

ServerProcess::Options LoopOptions(const SmtpSink& sink,
                                   const std::string& feedback_delay = "0.2") {
  ServerProcess::Options options;
  options.extra_args = {
      "--mail-tag",      "Orakel",   "--mail-from",      "orakel@desk.example.org",
      "--smtp",          sink.url(), "--feedback-delay", feedback_delay,
      "--smtp-retry-ms", "100",      "--smtp-attempts",  "100"};
  return options;
}

HttpResponse PostMail(HttpClient& mailgate, const std::string& message) {
  return mailgate.Send("POST", "/api/v1/mail/inbound?queue=Orakel", message,
                       {{"Content-Type", "message/rfc822"}});
}

std::string NewRequest(int n) {
  return "From: Kari Nordmann <kari" + std::to_string(n) +
         "@uni.example.no>\r\nTo: orakel@desk.example.org\r\nSubject: "
         "=?UTF-8?Q?Sp=C3=B8rsm=C3=A5l_" +
         std::to_string(n) + "?=\r\nMessage-ID: <req-" + std::to_string(n) +
         "@uni.example.no>\r\nDate: Mon, 3 Nov 2025 10:00:00 +0100\r\n"
         "Content-Type: text/plain; charset=UTF-8\r\n\r\nHjelp, takk.\r\n";
}

// Waits (up to a minute: the machine may be loaded; nothing here times the code) until `done`.
template <class Done>
void WaitFor(Done done, const char* what) {
  for (int i = 0; i < 600 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  INFO(what);
  REQUIRE(done());
}

std::vector<tl::mail::InboundMessage> Received(const SmtpSink& sink) {
  std::vector<tl::mail::InboundMessage> out;
  for (const auto& m : sink.Messages()) {
    auto parsed = tl::mail::ParseInbound(m.data);
    REQUIRE(parsed.ok());
    out.push_back(*parsed);
  }
  return out;
}

// The events of one type in the feed.
std::vector<json::object> EventsOfType(Api& api, const std::string& type) {
  std::vector<json::object> out;
  HttpClient auditor = api.Client("auditor");
  auto r = auditor.Get("/api/v1/events?limit=10000");
  REQUIRE(r.status == 200);
  const json::value feed = r.Json();
  for (const auto& e : feed.at("events").as_array()) {
    if (e.at("type") == type.c_str()) out.push_back(e.as_object());
  }
  return out;
}

// The refusals a sink's control rule has left.
int RefusalsLeft(const SmtpSink& sink) {
  std::ifstream in(sink.dir() / "control");
  std::string stage, code;
  int count = 0;
  in >> stage >> code >> count;
  return count;
}

}  // namespace

TEST_CASE("mail loop: a mail in, acknowledgement, reply, agent reply, invitation, feedback",
          "[mail][loopback]") {
  if (!HaveAiosmtpd()) {
    WARN("SKIPPED: python3-aiosmtpd is not installed; this test needs a real SMTP server");
    return;
  }
  SmtpSink sink;
  Api api(LoopOptions(sink));
  HttpClient mailgate = api.Client("mailgate");
  auto opened = PostMail(mailgate, Corpus("01-plain-utf8.eml"));
  REQUIRE(opened.status == 201);
  const uint64_t id = opened.Json().at("id").to_number<uint64_t>();
  const std::string tag = "[Orakel #" + std::to_string(id) + "]";

  // The acknowledgement: tagged, automatic, to the requester, with a Message-ID of ours.
  WaitFor([&] { return sink.Messages().size() >= 1; }, "the acknowledgement arrives");
  auto ack = Received(sink).at(0);
  CHECK(ack.subject.find(tag) != std::string::npos);
  CHECK(ack.auto_submitted == "auto-replied");
  REQUIRE(ack.to.size() == 1);
  CHECK(ack.to[0].address == "ola.nordmann@uni-ost.example.no");
  CHECK(ack.message_id.starts_with("tl." + std::to_string(id) + "."));
  CHECK(ack.message_id.ends_with("@desk.example.org"));
  CHECK(sink.Messages().at(0).mail_from == "orakel@desk.example.org");

  // The requester answers the acknowledgement without the tag: In-Reply-To threads it.
  auto answer = PostMail(mailgate,
                         "From: ola.nordmann@uni-ost.example.no\r\nTo: orakel@desk.example.org\r\n"
                         "Subject: Re: hjelp\r\nMessage-ID: <answer-1@uni-ost.example.no>\r\n"
                         "In-Reply-To: <" +
                             ack.message_id +
                             ">\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                             "Skjermbilde kommer.\r\n");
  INFO(answer.body);
  REQUIRE(answer.status == 201);
  CHECK(answer.Json().at("action") == "requester_message");
  CHECK(answer.Json().at("id").to_number<uint64_t>() == id);

  // The agent classifies and replies: the reply goes out, threaded under the acknowledgement.
  HttpClient olga = api.Client("olga");
  const std::string actions = "/api/v1/tickets/" + std::to_string(id) + "/actions";
  REQUIRE(olga.Post(actions, json::object{{"type", "update"},
                                          {"service", "Identitet_Feide"},
                                          {"description", "innlogging"}})
              .status == 201);
  REQUIRE(olga.Post(actions, json::object{{"type", "reply"}, {"body", "Prøv å logge inn nå, Ola."}})
              .status == 201);
  WaitFor([&] { return sink.Messages().size() >= 2; }, "the reply arrives");
  auto reply = Received(sink).at(1);
  CHECK(reply.subject.find(tag) != std::string::npos);
  CHECK(reply.auto_submitted.empty());
  CHECK(reply.body_text.find("Prøv å logge inn nå, Ola.") != std::string::npos);
  CHECK(reply.in_reply_to == ack.message_id);
  CHECK(reply.message_id != ack.message_id);

  // Resolved: after the (tiny) delay the server invites feedback and mails the link.
  REQUIRE(olga.Post(actions, json::object{{"type", "resolve"}, {"solution", "Nytt passord satt"}})
              .status == 201);
  WaitFor([&] { return sink.Messages().size() >= 3; }, "the invitation arrives");
  auto invitation = Received(sink).at(2);
  CHECK(invitation.auto_submitted == "auto-generated");
  std::smatch link;
  REQUIRE(std::regex_search(invitation.body_text, link, std::regex("/feedback/[0-9a-f.]+")));
  const std::string path = link.str();

  // The page needs no token; its POST records the feedback once.
  HttpClient anyone(api.server.port());
  auto page = anyone.Get(path);
  CHECK(page.status == 200);
  CHECK(page.body.find("type=\"radio\"") != std::string::npos);
  CHECK(page.body.find("<label") != std::string::npos);
  const std::map<std::string, std::string> form = {
      {"Content-Type", "application/x-www-form-urlencoded"}};
  auto posted = anyone.Send("POST", path, "score=5&comment=Takk+for+hjelpen", form);
  CHECK(posted.status == 200);
  CHECK(posted.body.find("registrert") != std::string::npos);
  auto again = anyone.Send("POST", path, "score=1&comment=", form);
  CHECK(again.status == 200);
  CHECK(again.body.find("Allerede registrert") != std::string::npos);
  HttpClient reader = api.Client("reader");
  auto ticket = reader.Get("/api/v1/tickets/" + std::to_string(id)).Json();
  CHECK(ticket.at("feedback").at("score") == 5);
  CHECK(ticket.at("feedback").at("comment") == "Takk for hjelpen");
  REQUIRE(EventsOfType(api, "feedback_received").size() == 1);
  // The requester's feedback names the role, never the address (docs/api.md, "Personal data
  // and erasure").
  CHECK(EventsOfType(api, "feedback_received").at(0).at("actor") == "requester");
  // A forged link is not valid.
  CHECK(anyone.Get(path.substr(0, path.size() - 1) + (path.back() == '0' ? "1" : "0")).status ==
        404);

  // Each send is recorded once, with its kind and Message-ID.
  WaitFor([&] { return EventsOfType(api, "mail_sent").size() == 3; }, "three mail_sent events");
  std::set<std::string> kinds, ids;
  for (const auto& e : EventsOfType(api, "mail_sent")) {
    kinds.insert(std::string(e.at("data").at("kind").as_string()));
    ids.insert(std::string(e.at("data").at("message_id").as_string()));
  }
  CHECK(kinds == std::set<std::string>{"acknowledgement", "reply", "feedback_invitation"});
  CHECK(ids == std::set<std::string>{ack.message_id, reply.message_id, invitation.message_id});
}

TEST_CASE("mail loop: the relay down for a while and the server killed: nothing lost or doubled",
          "[mail][loopback]") {
  if (!HaveAiosmtpd()) {
    WARN("SKIPPED: python3-aiosmtpd is not installed; this test needs a real SMTP server");
    return;
  }
  SmtpSink sink;
  // The relay refuses the next 9 messages (451): three requests fail about three times each.
  sink.RefuseNext("data", 451, 9);
  Api api(LoopOptions(sink));
  HttpClient mailgate = api.Client("mailgate");
  for (int n = 1; n <= 3; ++n) REQUIRE(PostMail(mailgate, NewRequest(n)).status == 201);
  WaitFor([&] { return RefusalsLeft(sink) <= 5; }, "sends were tried and refused");
  api.server.Kill();  // kill -9, while the relay is still down
  CHECK(sink.Messages().empty());
  api.server.Start();
  HttpClient mailgate2 = api.Client("mailgate");
  REQUIRE(PostMail(mailgate2, NewRequest(4)).status == 201);

  WaitFor([&] { return EventsOfType(api, "mail_sent").size() == 4; }, "four mail_sent events");
  auto received = Received(sink);
  CHECK(received.size() == 4);
  std::set<std::string> ids;
  for (const auto& m : received) ids.insert(m.message_id);
  CHECK(ids.size() == 4);
  CHECK(EventsOfType(api, "mail_failed").empty());

  // A restart resends nothing that was recorded as sent.
  REQUIRE(api.server.Stop() == 0);
  api.server.Start();
  HttpClient mailgate3 = api.Client("mailgate");
  REQUIRE(PostMail(mailgate3, NewRequest(5)).status == 201);
  WaitFor([&] { return EventsOfType(api, "mail_sent").size() == 5; }, "the fifth is sent");
  CHECK(sink.Messages().size() == 5);

  // A recipient the relay rejects for good: mail_failed, once, and no retry.
  sink.RefuseNext("rcpt", 550, 1);
  REQUIRE(PostMail(mailgate3, NewRequest(6)).status == 201);
  WaitFor([&] { return EventsOfType(api, "mail_failed").size() == 1; }, "mail_failed");
  CHECK(sink.Messages().size() == 5);
}

TEST_CASE("mail loop: a ticket reopened before the feedback delay is not invited",
          "[mail][loopback]") {
  if (!HaveAiosmtpd()) {
    WARN("SKIPPED: python3-aiosmtpd is not installed; this test needs a real SMTP server");
    return;
  }
  SmtpSink sink;
  // A delay long enough for the reopen right after the resolution to come first on a loaded
  // machine.
  Api api(LoopOptions(sink, "3"));
  const uint64_t id = api.OpenTicket();  // a classified ticket opened over the API
  HttpClient olga = api.Client("olga");
  const std::string actions = "/api/v1/tickets/" + std::to_string(id) + "/actions";
  REQUIRE(
      olga.Post(actions, json::object{{"type", "resolve"}, {"solution", "Første forsøk"}}).status ==
      201);
  REQUIRE(olga.Post(actions, json::object{{"type", "reopen"}, {"reason", "virker ikke"}}).status ==
          201);
  REQUIRE(
      olga.Post(actions, json::object{{"type", "resolve"}, {"solution", "Andre forsøk"}}).status ==
      201);
  WaitFor([&] { return EventsOfType(api, "mail_sent").size() == 2; },
          "the acknowledgement and the one invitation are sent");
  // The first resolution's invitation was due before the second's: had it been appended, it
  // would be in the log by now.
  CHECK(EventsOfType(api, "feedback_invited").size() == 1);
  auto invitation = Received(sink).back();
  CHECK(invitation.auto_submitted == "auto-generated");
  // The invitation is for the second resolution: its link opens the form.
  std::smatch link;
  REQUIRE(std::regex_search(invitation.body_text, link, std::regex("/feedback/[0-9a-f.]+")));
  HttpClient anyone(api.server.port());
  CHECK(anyone.Get(link.str()).status == 200);
}
