// SmtpClient against a real SMTP server on loopback (tests/mail/smtp_sink.py, aiosmtpd): what
// arrives is read back with ParseInbound. No mocks; nothing depends on timing but the one test
// of a timeout, which waits for a server that never answers and so cannot pass by being fast.
#include "mail/smtp_client.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include "mail/inbound_message.h"
#include "mail/outbound_message.h"
#include "tests/mail/mail_test_support.h"

namespace tl::mail {
namespace {

using testing::SmtpSink;

#define REQUIRE_AIOSMTPD()                                                           \
  do {                                                                               \
    if (!testing::HaveAiosmtpd()) {                                                  \
      WARN(                                                                          \
          "SKIPPED: python3-aiosmtpd is not installed for /usr/bin/python3 "         \
          "(apt-get install python3-aiosmtpd); this test needs a real SMTP server"); \
      return;                                                                        \
    }                                                                                \
  } while (0)

std::unique_ptr<SmtpClient> Client(SmtpConfig config) {
  auto client = SmtpClient::Create(std::move(config));
  INFO(client.status().ToString());
  REQUIRE(client.ok());
  return std::move(client).value();
}

std::unique_ptr<SmtpClient> ClientFor(const SmtpSink& sink) {
  SmtpConfig config;
  config.url = sink.url() + "/desk.example.org";
  return Client(config);
}

std::string Reply(std::string_view message_id) {
  OutboundMessage m;
  m.from = {"orakel@desk.example.org", "Orakel brukerstøtte"};
  m.to = {{"ola.nordmann@uni-ost.example.no", "Ståle Bjørnø"}};
  m.cc = {{"kari@example.com", ""}};
  m.subject = ReplyText("Orakel", 1042, "Får ikke logget inn på Feide", "").subject;
  m.date = std::chrono::sys_seconds(std::chrono::seconds(1764886380));
  m.message_id = std::string(message_id);
  m.in_reply_to = "CAF3k9x=plain01@mail.uni-ost.example.no";
  m.references = {"root@uni-ost.example.no", "CAF3k9x=plain01@mail.uni-ost.example.no"};
  m.x_loop = "orakel@desk.example.org";
  // Lines starting with a dot must survive SMTP's dot-stuffing, a lone dot above all.
  m.body = "Hei Ola,\n\nPrøv å logge inn på nytt nå.\n.\n..two dots\n.hidden\n\nOrakel\n";
  auto raw = ComposeMessage(m);
  REQUIRE(raw.ok());
  return *raw;
}

const Envelope kEnvelope{"orakel@desk.example.org",
                         {"ola.nordmann@uni-ost.example.no", "kari@example.com"}};

TEST_CASE("A message sent through SmtpClient arrives whole, with its envelope", "[loopback]") {
  REQUIRE_AIOSMTPD();
  SmtpSink sink;
  const std::string raw = Reply("tl.1@desk.example.org");
  const Status sent = ClientFor(sink).get()->Send(kEnvelope, raw);
  INFO(sent.ToString());
  REQUIRE(sent.ok());

  const auto received = sink.Messages();
  REQUIRE(received.size() == 1);
  CHECK(received[0].mail_from == "orakel@desk.example.org");
  CHECK(received[0].rcpt_to == kEnvelope.rcpt_to);
  CHECK(received[0].data == raw);  // byte for byte: dot-stuffing undone, CRLF kept

  auto parsed = ParseInbound(received[0].data);
  REQUIRE(parsed.ok());
  CHECK(parsed->message_id == "tl.1@desk.example.org");
  CHECK(parsed->in_reply_to == "CAF3k9x=plain01@mail.uni-ost.example.no");
  CHECK(parsed->references == std::vector<std::string>{"root@uni-ost.example.no",
                                                       "CAF3k9x=plain01@mail.uni-ost.example.no"});
  CHECK(parsed->from == Mailbox{"orakel@desk.example.org", "Orakel brukerstøtte"});
  CHECK(parsed->to == std::vector<Mailbox>{{"ola.nordmann@uni-ost.example.no", "Ståle Bjørnø"}});
  CHECK(parsed->subject == "Re: [Orakel #1042] Får ikke logget inn på Feide");
  CHECK(parsed->x_loop == std::vector<std::string>{"orakel@desk.example.org"});
  CHECK(parsed->body_text ==
        "Hei Ola,\n\nPrøv å logge inn på nytt nå.\n.\n..two dots\n.hidden\n\nOrakel");
}

TEST_CASE("An 8bit message and the null sender go through as they are", "[loopback]") {
  REQUIRE_AIOSMTPD();
  SmtpSink sink;
  auto client = ClientFor(sink);
  OutboundMessage m;
  m.from = {"orakel@desk.example.org", ""};
  m.to = {{"a@example.org", ""}};
  m.subject = "8bit";
  m.date = std::chrono::sys_seconds(std::chrono::seconds(0));
  m.message_id = "tl.2@desk.example.org";
  m.body = "Blåbærsyltetøy\n";
  m.encoding = BodyEncoding::k8Bit;
  auto raw = ComposeMessage(m);
  REQUIRE(raw.ok());
  REQUIRE(client->Send(Envelope{"", {"a@example.org"}}, *raw).ok());
  const auto received = sink.Messages();
  REQUIRE(received.size() == 1);
  CHECK(received[0].mail_from == "<>");
  auto parsed = ParseInbound(received[0].data);
  REQUIRE(parsed.ok());
  CHECK(parsed->body_text == "Blåbærsyltetøy");
}

TEST_CASE("A 451 is transient, and the same bytes go through on the retry", "[loopback]") {
  REQUIRE_AIOSMTPD();
  SmtpSink sink;
  auto client = ClientFor(sink);
  const std::string raw = Reply("tl.3@desk.example.org");
  sink.RefuseNext("data", 451, 1);
  const Status first = client->Send(kEnvelope, raw);
  REQUIRE_FALSE(first.ok());
  CHECK(IsTransientSendFailure(first));
  CHECK(first.code() == StatusCode::kUnavailable);
  CHECK_THAT(std::string(first.message()), Catch::Contains("451"));
  CHECK(sink.Messages().empty());

  const Status retry = client->Send(kEnvelope, raw);
  INFO(retry.ToString());
  REQUIRE(retry.ok());
  REQUIRE(sink.Messages().size() == 1);
  CHECK(sink.Messages()[0].data == raw);
}

TEST_CASE("A 451 to RCPT TO is transient too", "[loopback]") {
  REQUIRE_AIOSMTPD();
  SmtpSink sink;
  sink.RefuseNext("rcpt", 451, 1);
  const Status s = ClientFor(sink)->Send(kEnvelope, Reply("tl.4@desk.example.org"));
  REQUIRE_FALSE(s.ok());
  CHECK(IsTransientSendFailure(s));
}

TEST_CASE("A 550 to RCPT TO is permanent and names the relay's reply", "[loopback]") {
  REQUIRE_AIOSMTPD();
  SmtpSink sink;
  sink.RefuseNext("rcpt", 550, 1);
  const Status s = ClientFor(sink)->Send(kEnvelope, Reply("tl.5@desk.example.org"));
  REQUIRE_FALSE(s.ok());
  CHECK_FALSE(IsTransientSendFailure(s));
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.reason() == kSmtpRejected);
  CHECK_THAT(std::string(s.message()), Catch::Contains("550 5.1.1") && Catch::Contains("RCPT"));
  CHECK(sink.Messages().empty());
}

TEST_CASE("A 554 after the data is permanent", "[loopback]") {
  REQUIRE_AIOSMTPD();
  SmtpSink sink;
  sink.RefuseNext("data", 554, 1);
  const Status s = ClientFor(sink)->Send(kEnvelope, Reply("tl.6@desk.example.org"));
  REQUIRE_FALSE(s.ok());
  CHECK(s.reason() == kSmtpRejected);
  CHECK_THAT(std::string(s.message()), Catch::Contains("554"));
}

TEST_CASE("A refused connection is transient", "[loopback]") {
  testing::RefusingPort port;
  SmtpConfig config;
  config.url = "smtp://127.0.0.1:" + std::to_string(port.port());
  const Status s = Client(config)->Send(kEnvelope, Reply("tl.7@desk.example.org"));
  REQUIRE_FALSE(s.ok());
  CHECK(IsTransientSendFailure(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains("connect"));
}

TEST_CASE("A relay that never answers times out, and that is transient", "[loopback]") {
  testing::SilentPort port;
  SmtpConfig config;
  config.url = "smtp://127.0.0.1:" + std::to_string(port.port());
  config.total_timeout = std::chrono::milliseconds(500);
  const Status s = Client(config)->Send(kEnvelope, Reply("tl.8@desk.example.org"));
  REQUIRE_FALSE(s.ok());
  CHECK(IsTransientSendFailure(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains("imeout") || Catch::Contains("timed out"));
}

TEST_CASE("AUTH sends the configured user, and a refused login is transient", "[loopback]") {
  REQUIRE_AIOSMTPD();
  SmtpSink sink({"--auth", "desk:s3cret"});
  SmtpConfig config;
  config.url = sink.url();
  config.username = "desk";
  config.password = "s3cret";
  config.allow_plaintext_auth = true;  // loopback only
  const Status ok = Client(config)->Send(kEnvelope, Reply("tl.9@desk.example.org"));
  INFO(ok.ToString());
  CHECK(ok.ok());
  CHECK(sink.Messages().size() == 1);

  config.password = "wrong";
  const Status refused = Client(config)->Send(kEnvelope, Reply("tl.10@desk.example.org"));
  REQUIRE_FALSE(refused.ok());
  // Our configuration is wrong, not the message: it must not be given up.
  CHECK(IsTransientSendFailure(refused));
  CHECK_THAT(std::string(refused.message()), Catch::Contains("535") && Catch::Contains("AUTH"));
  // The credentials libcurl sent (base64 of "\0desk\0wrong") never reach the message.
  CHECK_THAT(std::string(refused.message()),
             !Catch::Contains("AGRlc2sAd3Jvbmc=", Catch::CaseSensitive::No));

  config.username.clear();
  const Status anonymous = Client(config)->Send(kEnvelope, Reply("tl.11@desk.example.org"));
  REQUIRE_FALSE(anonymous.ok());
  CHECK_THAT(std::string(anonymous.message()), Catch::Contains("530"));
  CHECK(sink.Messages().size() == 1);
}

// A self-signed certificate for 127.0.0.1 made with the openssl command, or "" without one.
bool MakeCertificate(const std::filesystem::path& dir) {
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" +
      (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

TEST_CASE("STARTTLS is used when required, and its absence fails the send", "[loopback]") {
  REQUIRE_AIOSMTPD();
  testing::ScratchDir certs;
  if (!MakeCertificate(certs.path())) {
    WARN("SKIPPED: the openssl command could not make a test certificate");
    return;
  }
  SmtpSink tls_sink({"--tls-cert", (certs.path() / "cert.pem").string(), "--tls-key",
                     (certs.path() / "key.pem").string()});
  SmtpConfig config;
  config.url = tls_sink.url();
  config.starttls = StartTls::kRequired;
  config.ca_file = (certs.path() / "cert.pem").string();
  const Status ok = Client(config)->Send(kEnvelope, Reply("tl.12@desk.example.org"));
  INFO(ok.ToString());
  CHECK(ok.ok());
  CHECK(tls_sink.Messages().size() == 1);

  SmtpSink plain_sink;
  config.url = plain_sink.url();
  const Status no_tls = Client(config)->Send(kEnvelope, Reply("tl.13@desk.example.org"));
  REQUIRE_FALSE(no_tls.ok());
  CHECK(IsTransientSendFailure(no_tls));
  CHECK(plain_sink.Messages().empty());

  config.starttls = StartTls::kIfAvailable;  // the plain relay is fine then
  CHECK(Client(config)->Send(kEnvelope, Reply("tl.14@desk.example.org")).ok());
  CHECK(plain_sink.Messages().size() == 1);
}

TEST_CASE("One SmtpClient sends from several threads at once", "[loopback]") {
  REQUIRE_AIOSMTPD();
  SmtpSink sink;
  auto client = ClientFor(sink);
  std::vector<std::future<Status>> sends;
  for (int i = 0; i < 8; ++i) {
    const std::string raw = Reply("tl.t" + std::to_string(i) + "@desk.example.org");
    sends.push_back(
        std::async(std::launch::async, [&client, raw] { return client->Send(kEnvelope, raw); }));
  }
  for (auto& s : sends) CHECK(s.get().ok());
  CHECK(sink.Messages().size() == 8);
}

TEST_CASE("SmtpClient refuses a configuration or an envelope that cannot work") {
  SmtpConfig config;
  config.url = "http://relay.example.org";
  CHECK(SmtpClient::Create(config).status().code() == StatusCode::kInvalidArgument);
  config.url = "smtp://relay.example.org:587";
  config.username = "desk";
  CHECK_THAT(std::string(SmtpClient::Create(config).status().message()),
             Catch::Contains("in clear"));
  config.starttls = StartTls::kRequired;
  CHECK(SmtpClient::Create(config).ok());
  config.url = "SMTPS://relay.example.org:465";
  config.starttls = StartTls::kOff;
  CHECK(SmtpClient::Create(config).ok());
  config.total_timeout = std::chrono::milliseconds(0);
  CHECK_FALSE(SmtpClient::Create(config).ok());

  SmtpConfig plain;
  plain.url = "smtp://127.0.0.1:1";
  auto client = Client(plain);
  CHECK(client->Send(Envelope{"a@b.example", {}}, "x").code() == StatusCode::kInvalidArgument);
  CHECK(client->Send(Envelope{"a@b.example", {"x@y.example\r\nDATA"}}, "x").code() ==
        StatusCode::kInvalidArgument);
  CHECK(client->Send(Envelope{"<a@b.example>", {"x@y.example"}}, "x").code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tl::mail
