// Mail intake over real HTTP (docs/api.md, "Mail"): the corpus' messages posted as the mailgate
// role to a real server; the tickets they open or reach, as the API shows them.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mail/mail_test_support.h"
#include "tests/server/api_support.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

using namespace tl::testing;
namespace json = boost::json;

namespace {

// The corpus' bytes (tests/data/mail).
std::string Corpus(const std::string& name) { return tl::mail::testing::ReadCorpusFile(name); }

ServerProcess::Options MailOptions() {
  ServerProcess::Options options;
  options.extra_args = {"--mail-tag", "Orakel", "--mail-from", "orakel@desk.example.org"};
  return options;
}

HttpResponse PostMail(HttpClient& mailgate, const std::string& message,
                      const std::string& queue = "Orakel") {
  return mailgate.Send("POST", "/api/v1/mail/inbound?queue=" + queue, message,
                       {{"Content-Type", "message/rfc822"}});
}

std::string Reply(uint64_t ticket, const std::string& message_id) {
  return "From: Ola Nordmann <ola.nordmann@uni-ost.example.no>\r\n"
         "To: orakel@desk.example.org\r\n"
         "Subject: Re: [Orakel #" +
         std::to_string(ticket) +
         "] =?UTF-8?Q?F=C3=A5r_ikke_logget_inn?=\r\n"
         "Message-ID: <" +
         message_id +
         ">\r\n"
         "Date: Mon, 3 Nov 2025 10:00:00 +0100\r\n"
         "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
         "Det virker fortsatt ikke.\r\n";
}

}  // namespace

TEST_CASE("a mail opens an unclassified ticket that must be classified before it is worked on",
          "[mail][loopback]") {
  Api api(MailOptions());
  HttpClient mailgate = api.Client("mailgate");
  auto opened = PostMail(mailgate, Corpus("01-plain-utf8.eml"));
  INFO(opened.body);
  REQUIRE(opened.status == 201);
  CHECK(opened.Json().at("action") == "opened");
  const uint64_t id = opened.Json().at("id").to_number<uint64_t>();

  HttpClient reader = api.Client("reader");
  auto ticket = reader.Get("/api/v1/tickets/" + std::to_string(id)).Json();
  CHECK(ticket.at("service").is_null());
  CHECK(ticket.at("description").is_null());
  CHECK(ticket.at("requester") == "ola.nordmann@uni-ost.example.no");
  CHECK(ticket.at("subject") == "Får ikke logget inn på Feide");
  CHECK(ticket.at("channel") == "email");
  CHECK(ticket.at("queue") == "Orakel");

  // The mail's text is the first requester message, and the ticket was acknowledged.
  HttpClient auditor = api.Client("auditor");
  const json::array history = auditor.Get("/api/v1/tickets/" + std::to_string(id) + "/history")
                                  .Json()
                                  .at("events")
                                  .as_array();
  REQUIRE(history.size() == 3);
  CHECK(history[0].at("type") == "opened");
  CHECK(history[1].at("type") == "requester_messaged");
  CHECK(std::string(history[1].at("data").at("body").as_string()).find("Ugyldig brukernavn") !=
        std::string::npos);
  CHECK(history[2].at("type") == "acknowledged");

  // Unclassified: reply, assign, a move to a team queue and resolve are refused.
  HttpClient olga = api.Client("olga");
  const std::string actions = "/api/v1/tickets/" + std::to_string(id) + "/actions";
  for (const json::object& action : {json::object{{"type", "reply"}, {"body", "Prøv igjen"}},
                                     json::object{{"type", "assign"}, {"owner", "olga"}},
                                     json::object{{"type", "move"}, {"queue", "campus"}},
                                     json::object{{"type", "resolve"}, {"solution", "fixed"}}}) {
    auto r = olga.Post(actions, action);
    INFO(json::serialize(action) << " -> " << r.body);
    CHECK(r.status == 422);
    CHECK(r.ErrorCode() == "classification_required");
  }
  // A comment is fine; the reports group the ticket under a null service.
  CHECK(olga.Post(actions, json::object{{"type", "comment"}, {"body", "ser på det"}}).status ==
        201);
  auto volume = reader.Get("/api/v1/reports/volume?group_by=service&category=all");
  REQUIRE(volume.status == 200);
  bool null_group = false;
  const json::value groups = volume.Json();
  for (const auto& g : groups.at("groups").as_array()) null_group |= g.at("key").is_null();
  CHECK(null_group);

  // Classified with update, it can be worked on.
  auto update = olga.Post(actions, json::object{{"type", "update"},
                                                {"service", "Identitet_Feide"},
                                                {"description", "innlogging"}});
  INFO(update.body);
  CHECK(update.status == 201);
  CHECK(olga.Post(actions, json::object{{"type", "reply"}, {"body", "Prøv igjen nå"}}).status ==
        201);
}

TEST_CASE("mail intake threads replies, ignores noise and takes a message in once",
          "[mail][loopback]") {
  Api api(MailOptions());
  HttpClient mailgate = api.Client("mailgate");
  auto first = PostMail(mailgate, Corpus("01-plain-utf8.eml"));
  REQUIRE(first.status == 201);
  const uint64_t id = first.Json().at("id").to_number<uint64_t>();

  SECTION("the same Message-ID again is answered as the first time, and appends nothing") {
    const uint64_t before = api.FeedLength();
    auto again = PostMail(mailgate, Corpus("01-plain-utf8.eml"));
    REQUIRE(again.status == 200);
    CHECK(again.Json().at("id") == first.Json().at("id"));
    CHECK(again.Json().at("seq") == first.Json().at("seq"));
    CHECK(again.Json().at("action") == "opened");
    CHECK(api.FeedLength() == before);
  }
  SECTION("a reply with the ticket's tag is a requester message on it") {
    auto reply = PostMail(mailgate, Reply(id, "reply-1@uni-ost.example.no"));
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    CHECK(reply.Json().at("action") == "requester_message");
    CHECK(reply.Json().at("id").to_number<uint64_t>() == id);
    // A tag naming no ticket opens a new one.
    auto stray = PostMail(mailgate, Reply(id + 100, "reply-2@uni-ost.example.no"));
    REQUIRE(stray.status == 201);
    CHECK(stray.Json().at("action") == "opened");
    CHECK(stray.Json().at("id").to_number<uint64_t>() != id + 100);
  }
  SECTION("auto-replies, bulk mail, our own mail and bounces of mail we did not send are ignored") {
    const uint64_t before = api.FeedLength();
    const std::pair<const char*, const char*> noise[] = {
        {"15-auto-reply-out-of-office.eml", "auto_submitted"},
        {"16-precedence-bulk.eml", "bulk"},
        {"23-own-loop.eml", "loop"},
        {"22-bounce-backscatter.eml", "unrelated_bounce"},
        {"34-x-autoreply.eml", "auto_submitted"},
    };
    for (const auto& [file, reason] : noise) {
      auto r = PostMail(mailgate, Corpus(file));
      INFO(file << " -> " << r.body);
      CHECK(r.status == 200);
      CHECK(r.Json().at("action") == "ignored");
      CHECK(r.Json().at("reason") == reason);
    }
    CHECK(api.FeedLength() == before);
  }
  SECTION("a bounce of mail the ledger sent is recorded on that ticket as mail_bounced") {
    std::string dsn = Corpus("19-bounce-dsn-postfix.eml");
    const std::string theirs = "tl.0193a5f4-4444-7a3b-9f00-5a1d2c3b4e05@desk.example.org";
    const std::string ours = "tl." + std::to_string(id) + ".3@desk.example.org";
    for (size_t at; (at = dsn.find(theirs)) != std::string::npos;)
      dsn.replace(at, theirs.size(), ours);
    auto r = PostMail(mailgate, dsn);
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(r.Json().at("action") == "ignored");
    CHECK(r.Json().at("reason") == "bounce");
    HttpClient auditor = api.Client("auditor");
    const json::value history =
        auditor.Get("/api/v1/tickets/" + std::to_string(id) + "/history").Json();
    const json::object& last = history.at("events").as_array().back().as_object();
    CHECK(last.at("type") == "mail_bounced");
    CHECK(last.at("data").at("message_id") == ours.c_str());
    CHECK(last.at("data").at("recipients").as_array().size() == 1);
    // The same report again appends nothing.
    const uint64_t before = api.FeedLength();
    CHECK(PostMail(mailgate, dsn).status == 200);
    CHECK(api.FeedLength() == before);
  }
  SECTION("the mailgate role may only post mail, and a message needs a queue") {
    CHECK(mailgate.Get("/api/v1/tickets").status == 403);
    CHECK(mailgate.Post("/api/v1/tickets", Api::TicketBody()).status == 403);
    HttpClient agent = api.Client("agent");
    CHECK(PostMail(agent, Corpus("02-latin1-qp.eml")).status == 403);
    auto no_queue = mailgate.Send("POST", "/api/v1/mail/inbound", Corpus("02-latin1-qp.eml"),
                                  {{"Content-Type", "message/rfc822"}});
    CHECK(no_queue.status == 400);
  }
  SECTION("a message of 9 MiB is taken although the body limit is 1 MiB") {
    std::string big =
        "From: kari@uni.example.no\r\nTo: orakel@desk.example.org\r\nSubject: Logg\r\n"
        "Message-ID: <big-1@uni.example.no>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nSe vedlegget.\r\n--b\r\n"
        "Content-Type: application/octet-stream; name=log.txt\r\n"
        "Content-Disposition: attachment; filename=log.txt\r\n\r\n";
    while (big.size() < (9u << 20)) big += std::string(76, 'x') + "\r\n";
    big += "--b--\r\n";
    auto r = PostMail(mailgate, big);
    INFO(r.body.substr(0, 300));
    CHECK(r.status == 201);
    // Beyond 10 MiB it is too large.
    big.insert(big.size() - 7, std::string(2u << 20, 'y'));
    auto too_large = PostMail(mailgate, big);
    CHECK(too_large.status == 413);
    CHECK(too_large.body.find("10485760 bytes") != std::string::npos);
  }
}

TEST_CASE("ticketledger mailgate posts standard input and exits 75 when the server is away",
          "[mail][loopback]") {
  TempDir dir;
  Api api(MailOptions());
  const std::string token_file = dir.Sub("mailgate.token");
  std::ofstream(token_file) << api.server.token("mailgate") << "\n";
  const std::string url = "http://127.0.0.1:" + std::to_string(api.server.port());
  auto posted = RunCommand({TicketledgerBinary(), "mailgate", "--url", url, "--token-file",
                            token_file, "--queue", "Orakel"},
                           Corpus("05-utf8-base64.eml"));
  INFO(posted.err);
  CHECK(posted.exit_code == 0);
  CHECK(posted.out.find("\"action\":\"opened\"") != std::string::npos);
  // A message the server refuses (no queue for a new request) goes back to its sender: 65.
  auto refused =
      RunCommand({TicketledgerBinary(), "mailgate", "--url", url, "--token-file", token_file},
                 Corpus("06-gmail-alternative.eml"));
  CHECK(refused.exit_code == 65);
  api.server.Stop();
  auto away = RunCommand({TicketledgerBinary(), "mailgate", "--url", url, "--token-file",
                          token_file, "--queue", "Orakel"},
                         Corpus("05-utf8-base64.eml"));
  CHECK(away.exit_code == 75);
}

TEST_CASE("mail names the role requester as actor, and another sender only in the sealed body",
          "[mail][loopback][privacy]") {
  Api api(MailOptions());
  HttpClient mailgate = api.Client("mailgate");
  auto opened = PostMail(mailgate, Corpus("01-plain-utf8.eml"));
  REQUIRE(opened.status == 201);
  const uint64_t id = opened.Json().at("id").to_number<uint64_t>();
  REQUIRE(PostMail(mailgate, Reply(id, "reply-own@uni-ost.example.no")).status == 201);
  std::string stranger = Reply(id, "reply-other@uni-ost.example.no");
  const std::string own_from = "Ola Nordmann <ola.nordmann@uni-ost.example.no>";
  stranger.replace(stranger.find(own_from), own_from.size(), "Per <per.hansen@uni-ost.example.no>");
  REQUIRE(PostMail(mailgate, stranger).status == 201);

  const json::array history = api.Client("auditor")
                                  .Get("/api/v1/tickets/" + std::to_string(id) + "/history")
                                  .Json()
                                  .at("events")
                                  .as_array();
  std::vector<std::string> bodies;
  for (const json::value& e : history) {
    const std::string actor(e.at("actor").as_string());
    INFO(json::serialize(e));
    CHECK(actor.find('@') == std::string::npos);
    if (e.at("type") == "opened" || e.at("type") == "requester_messaged") {
      CHECK(actor == "requester");
    }
    if (e.at("type") == "requester_messaged") {
      bodies.emplace_back(e.at("data").at("body").as_string());
    }
  }
  REQUIRE(bodies.size() == 3);  // the first mail's text, the requester's reply, the other's
  CHECK(bodies[1].rfind("From:", 0) == std::string::npos);
  CHECK(bodies[2].rfind("From: per.hansen@uni-ost.example.no\n\n", 0) == 0);

  // Stored, no address is readable anywhere: actors are roles, the rest is sealed.
  REQUIRE(api.server.Stop() == 0);
  auto exported = RunCommand(
      {TicketledgerBinary(), "export", "--data", api.server.data_dir(), "--format", "ndjson"});
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out.find("\"actor\":\"requester\"") != std::string::npos);
  CHECK(exported.out.find("ola.nordmann") == std::string::npos);
  CHECK(exported.out.find("per.hansen") == std::string::npos);
}

TEST_CASE("a reply to an erased ticket opens a new ticket, not linked to the erased one",
          "[mail][loopback][privacy]") {
  Api api(MailOptions());
  HttpClient mailgate = api.Client("mailgate");
  auto opened = PostMail(mailgate, Corpus("01-plain-utf8.eml"));
  REQUIRE(opened.status == 201);
  const uint64_t erased = opened.Json().at("id").to_number<uint64_t>();
  auto erasure = api.Client("admin").Post(
      "/api/v1/privacy/erasures", json::object{{"ticket", erased}, {"reason", "request 3"}});
  REQUIRE(erasure.status == 200);
  HttpClient auditor = api.Client("auditor");
  const std::string erased_history = "/api/v1/tickets/" + std::to_string(erased) + "/history";
  const std::string history_before = auditor.Get(erased_history).body;

  auto reply = PostMail(mailgate, Reply(erased, "reply-after-erasure@uni-ost.example.no"));
  INFO(reply.body);
  REQUIRE(reply.status == 201);
  CHECK(reply.Json().at("action") == "opened");
  const uint64_t fresh = reply.Json().at("id").to_number<uint64_t>();
  CHECK(fresh != erased);
  auto ticket = api.Client("reader").Get("/api/v1/tickets/" + std::to_string(fresh)).Json();
  CHECK(ticket.at("requester") == "ola.nordmann@uni-ost.example.no");
  CHECK(ticket.at("parent").is_null());
  CHECK(auditor.Get(erased_history).body == history_before);  // nothing appended to it
  // The same message again is the same answer, and opens nothing more.
  auto again = PostMail(mailgate, Reply(erased, "reply-after-erasure@uni-ost.example.no"));
  CHECK(again.status == 200);
  CHECK(again.Json().at("id") == reply.Json().at("id"));
}
