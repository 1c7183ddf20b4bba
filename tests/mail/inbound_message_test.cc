// ParseInbound on messages built in the test: limits, malformed input, the GMime work-arounds,
// the MIME walk, and a 9 MiB attachment generated at run time (the corpus stays small).
#include "mail/inbound_message.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "tests/mail/mail_test_support.h"

namespace tl::mail {
namespace {

std::string Base64(const std::string& data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t line = 0;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<uint8_t>(data[i + 1]) << 8;
    if (i + 2 < data.size()) n |= static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < data.size() ? kAlphabet[n & 63] : '=';
    if (++line == 19) {  // 76 characters a line
      out += '\n';
      line = 0;
    }
  }
  if (line != 0) out += '\n';
  return out;
}

// Deterministic bytes (xorshift32 from 0x9E3779B9, low byte of each step): the SHA-256 values
// below were computed from the same sequence by a separate Python script.
std::string PseudoRandom(size_t n) {
  std::string out(n, '\0');
  uint32_t x = 0x9E3779B9u;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(x & 0xFF);
  }
  return out;
}

std::string WithAttachment(const std::string& name, const std::string& bytes) {
  return "From: Ola <ola@example.no>\n"
         "To: orakel@desk.example.org\n"
         "Subject: Stort vedlegg\n"
         "Message-ID: <big@example.no>\n"
         "MIME-Version: 1.0\n"
         "Content-Type: multipart/mixed; boundary=\"b\"\n"
         "\n"
         "--b\n"
         "Content-Type: text/plain; charset=utf-8\n"
         "\n"
         "Se vedlegg.\n"
         "--b\n"
         "Content-Type: application/octet-stream\n"
         "Content-Disposition: attachment; filename=\"" +
         name +
         "\"\n"
         "Content-Transfer-Encoding: base64\n"
         "\n" +
         Base64(bytes) + "--b--\n";
}

constexpr size_t kMiB = 1024 * 1024;

TEST_CASE("A 9 MiB attachment is recorded by name, size and SHA-256, not kept") {
  const std::string bytes = PseudoRandom(9 * kMiB);
  const std::string raw = WithAttachment("disk-image.bin", bytes);
  // Base64 makes the message a third larger than the attachment: over the default limit.
  REQUIRE(raw.size() > 12 * kMiB);
  ParseLimits limits;
  limits.max_message_bytes = 16 * kMiB;
  auto parsed = ParseInbound(raw, limits);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->attachments.size() == 1);
  const Attachment& a = parsed->attachments[0];
  CHECK(a.filename == "disk-image.bin");
  CHECK(a.content_type == "application/octet-stream");
  CHECK(a.size == 9 * kMiB);
  CHECK(a.sha256 == "63f5e72d3c38eb2cef1bb4ff55fddd6e477f9a4e8d7795ccc4cf9f433e152540");
  CHECK(parsed->body_text == "Se vedlegg.");
}

TEST_CASE("A message over the limit is refused with message_too_large before parsing") {
  const std::string raw = WithAttachment("disk-image.bin", PseudoRandom(9 * kMiB));
  auto parsed = ParseInbound(raw);  // default limit, 10 MiB
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == StatusCode::kFailedPrecondition);
  CHECK(parsed.status().reason() == kMessageTooLarge);
  CHECK_THAT(std::string(parsed.status().message()), Catch::Contains("10485760"));

  ParseLimits tiny;
  tiny.max_message_bytes = 10;
  CHECK(ParseInbound("Subject: xy", tiny).status().reason() == kMessageTooLarge);  // 11 bytes
  CHECK(ParseInbound("Subject: x", tiny).ok());                                    // 10 bytes
}

TEST_CASE("A 7 MiB attachment fits in the default limit") {
  const std::string raw = WithAttachment("seven.bin", PseudoRandom(7 * kMiB));
  REQUIRE(raw.size() < 10 * kMiB);
  auto parsed = ParseInbound(raw);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->attachments.size() == 1);
  CHECK(parsed->attachments[0].size == 7 * kMiB);
  CHECK(parsed->attachments[0].sha256 ==
        "db7507b1c4bcaf6ede68f846e2d99fcc457b450ec631d3e023d28672ac7e569d");
}

TEST_CASE("Empty input is refused, and bytes that are no message still give a result") {
  CHECK(ParseInbound("").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseInbound(" \r\n\t").status().code() == StatusCode::kInvalidArgument);
  auto garbage = ParseInbound(std::string("\x00\x01\xFF\xFE garbage \x80", 14));
  if (garbage.ok()) {
    CHECK(testing::IsUtf8(garbage->body_text));
    CHECK(garbage->from.address.empty());
  } else {
    CHECK(garbage.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("Base64 words of a long subject, name and file name survive GMime issue 133") {
  auto parsed = ParseInbound(
      "From: =?UTF-8?B?U3TDpWxlIEJqw7g=?= =?UTF-8?B?cm7DuA==?= <stale@example.no>\n"
      "Subject: =?UTF-8?B?U8O4a25hZA==?=\n =?UTF-8?B?IG9tIHRpbGdhbmc=?=\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=x\n"
      "\n"
      "--x\n"
      "Content-Type: text/plain\n"
      "\n"
      "hei\n"
      "--x\n"
      "Content-Type: application/pdf\n"
      "Content-Disposition: attachment; filename=\"=?UTF-8?B?U8O4a25hZA==?= "
      "=?UTF-8?B?LnBkZg==?=\"\n"
      "\n"
      "%PDF\n"
      "--x--\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->subject == "S\xC3\xB8knad om tilgang");
  CHECK(parsed->from.display_name == "St\xC3\xA5le Bj\xC3\xB8rn\xC3\xB8");
  REQUIRE(parsed->attachments.size() == 1);
  CHECK(parsed->attachments[0].filename == "S\xC3\xB8knad.pdf");
}

TEST_CASE("A decoded subject or name cannot carry a line break") {
  auto parsed = ParseInbound(
      "From: =?utf-8?Q?Evil=0D=0ABcc:_x@y?= <e@example.no>\n"
      "Subject: =?utf-8?Q?one=0D=0ATo:_victim@example.org?=\n"
      "\n"
      "body\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->subject == "one To: victim@example.org");
  CHECK(parsed->from.display_name == "Evil Bcc: x@y");
  CHECK(parsed->from.address == "e@example.no");
}

TEST_CASE("Every To and Cc header counts, and groups are flattened") {
  auto parsed = ParseInbound(
      "From: a@example.no\n"
      "To: b@example.no\n"
      "To: Team: c@example.no, \"D\" <d@example.no>;\n"
      "Cc: undisclosed-recipients:;\n"
      "\n"
      "x\n");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->to.size() == 3);
  CHECK(parsed->to[0].address == "b@example.no");
  CHECK(parsed->to[1].address == "c@example.no");
  CHECK(parsed->to[2] == Mailbox{"d@example.no", "D"});
  CHECK(parsed->cc.empty());
}

TEST_CASE("From falls back to Sender, then to Return-Path, and says so") {
  auto sender = ParseInbound("Sender: Robot <robot@example.no>\nSubject: s\n\nx\n");
  REQUIRE(sender.ok());
  CHECK(sender->from == Mailbox{"robot@example.no", "Robot"});
  CHECK_THAT(
      sender->warnings,
      Catch::VectorContains(std::string("no From mailbox; the sender is taken from Sender")));
  auto bounce = ParseInbound("Return-Path: <>\nSubject: s\n\nx\n");
  REQUIRE(bounce.ok());
  CHECK(bounce->from.address.empty());
  CHECK(bounce->null_return_path);
}

TEST_CASE("Message-IDs lose their angle brackets; one with white space is not an id") {
  auto parsed = ParseInbound(
      "Message-ID: <a.b@c.example>\n"
      "In-Reply-To: <p1@x.example> <p2@x.example>\n"
      "References: <r1@x.example>\n <r2@x.example>\t<r3@x.example>\n"
      "\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->message_id == "a.b@c.example");
  CHECK(parsed->in_reply_to == "p1@x.example");
  CHECK(parsed->references ==
        std::vector<std::string>{"r1@x.example", "r2@x.example", "r3@x.example"});
  auto spaced = ParseInbound("Message-ID: no angle brackets here\nIn-Reply-To: bare@id\n\n");
  REQUIRE(spaced.ok());
  CHECK(spaced->message_id.empty());
  CHECK(spaced->in_reply_to == "bare@id");
}

TEST_CASE("The Date header is read into UTC") {
  auto parsed = ParseInbound("Date: Mon, 3 Nov 2025 09:14:22 +0100\n\n");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->date.has_value());
  CHECK(parsed->date->time_since_epoch().count() == 1762157662);
  auto bad = ParseInbound("Date: not a date\n\n");
  REQUIRE(bad.ok());
  CHECK_FALSE(bad->date.has_value());
}

TEST_CASE("Inline text parts of a mixed message are joined into the body") {
  auto parsed = ParseInbound(
      "Content-Type: multipart/mixed; boundary=m\n"
      "\n"
      "--m\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "Before the picture.\n"
      "--m\n"
      "Content-Type: image/png\n"
      "Content-Disposition: inline\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "iVBORw0KGgo=\n"
      "--m\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "After the picture.\n"
      "--m--\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->body_text == "Before the picture.\n\nAfter the picture.");
  REQUIRE(parsed->attachments.size() == 1);
  CHECK(parsed->attachments[0].filename.empty());
  CHECK(parsed->attachments[0].inline_part);
  CHECK(parsed->attachments[0].size == 8);
}

TEST_CASE("Deeply nested multiparts are read to a bound, without crashing") {
  std::string raw = "Subject: nest\n";
  const int depth = 200;
  for (int i = 0; i < depth; ++i) {
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
           std::to_string(i) + "\n";
  }
  raw += "Content-Type: text/plain\n\ndeep\n";
  for (int i = depth - 1; i >= 0; --i) raw += "--b" + std::to_string(i) + "--\n";
  auto parsed = ParseInbound(raw);
  REQUIRE(parsed.ok());
  CHECK_FALSE(parsed->warnings.empty());
  CHECK(parsed->subject == "nest");
}

TEST_CASE("Text labelled UTF-8 that is not keeps its good characters") {
  auto parsed = ParseInbound(
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: 8bit\n"
      "\n"
      "bl\xC3\xA5 and bl\xE5\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->body_text == "bl\xC3\xA5 and bl\xEF\xBF\xBD");
}

TEST_CASE("ParseInbound gives the same results on several threads at once") {
  std::vector<std::string> raws;
  for (const auto& entry : std::filesystem::directory_iterator(testing::CorpusDir())) {
    if (entry.path().extension() == ".eml") raws.push_back(testing::ReadFile(entry.path()));
  }
  auto summarize = [&raws] {
    std::vector<std::string> out;
    for (const std::string& raw : raws) {
      auto m = ParseInbound(raw);
      std::string s = m.ok() ? m->subject + "|" + m->body_text + "|" + m->from.address : "error";
      if (m.ok()) {
        for (const Attachment& a : m->attachments) s += "|" + a.sha256;
      }
      out.push_back(std::move(s));
    }
    return out;
  };
  const std::vector<std::string> sequential = summarize();
  std::vector<std::future<std::vector<std::string>>> runs;
  for (int i = 0; i < 4; ++i) runs.push_back(std::async(std::launch::async, summarize));
  for (auto& run : runs) CHECK(run.get() == sequential);
}

std::string Repeat(const std::string& unit, size_t bytes) {
  std::string out;
  while (out.size() + unit.size() <= bytes) out += unit;
  return out;
}

TEST_CASE("The MIME walk stops after 1000 parts and says so") {
  auto parsed =
      ParseInbound("Content-Type: multipart/mixed; boundary=b\n\n" +
                   Repeat("--b\nContent-Type: application/x-y\n\nz\n", 60'000) + "--b--\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->attachments.size() < 1000);
  CHECK_THAT(parsed->warnings,
             Catch::VectorContains(std::string("more than 1000 MIME parts; the rest not read")));
}

TEST_CASE("Long lists are bounded: References keep the root and the newest, To its first 1000") {
  std::string refs;
  for (int i = 0; i < 150; ++i) {
    refs += '<';
    refs += std::to_string(i);
    refs += "@x.example> ";
  }
  auto parsed =
      ParseInbound("References: " + refs + "\nTo: " + Repeat("a@b.no, ", 20'000) + "\n\nx\n");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->references.size() == 100);
  CHECK(parsed->references.front() == "0@x.example");
  CHECK(parsed->references[1] == "51@x.example");
  CHECK(parsed->references.back() == "149@x.example");
  CHECK(parsed->to.size() == 1000);
}

// Shapes whose cost could grow faster than their size (a scan per candidate), two of which did
// before commit 7a71a4d. Nothing here measures time, so nothing can fail under load: a
// regression shows as this test taking a minute or more instead of a second or two.
TEST_CASE("Crafted inputs with many candidates for a scan are parsed in one pass", "[slow]") {
  const size_t size = 1024 * 1024;
  const std::vector<std::string> inputs = {
      "Subject: " + Repeat("=?a?B?", size) + "\n\nx\n",
      "Subject: " + Repeat("=?utf-8?Q?a\n", size) + "?=\n\nx\n",
      "From:" + Repeat(" =?utf-8?Q?a?=\n", size) + " <a@b.no>\n\nx\n",
      "Content-Type: text/html\n\n" + Repeat("<script>", size),
      "Content-Type: text/html\n\n" + Repeat("<style><title>", size),
      "Content-Type: text/html\n\n" + Repeat("< &bogus", size),
      "Content-Type: text/html\n\n" + Repeat("<a href='http://x'>y", size),
      "Content-Type: multipart/alternative; boundary=b\n\n" +
          Repeat("--b\nContent-Type: text/plain\n\n\n", size) + "--b--\n",
  };
  for (const std::string& raw : inputs) {
    auto parsed = ParseInbound(raw);
    CHECK(parsed.ok());
  }
}

}  // namespace
}  // namespace tl::mail
