// The text helpers every string of an InboundMessage goes through: UTF-8 validity, charset
// conversion, clean-up, and our RFC 2047 decoder (mail/internal/rfc2047.h says why ours).
#include "mail/internal/text.h"

#include <catch2/catch.hpp>
#include <string>

#include "mail/internal/dsn.h"
#include "mail/internal/rfc2047.h"

namespace tl::mail::internal {
namespace {

TEST_CASE("IsValidUtf8 accepts well-formed text and refuses overlong, surrogate and cut forms") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(
      IsValidUtf8("bl\xC3\xA5"
                  "b\xC3\xA6r \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(IsValidUtf8("bl\xC3"));            // cut short
  CHECK_FALSE(IsValidUtf8("\xE5"));              // Latin-1 'å'
}

TEST_CASE("MakeValidUtf8 replaces each ill-formed sequence with one U+FFFD and keeps the rest") {
  CHECK(MakeValidUtf8("a\xE5"
                      "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(MakeValidUtf8("\xC3\xA5") == "\xC3\xA5");
  CHECK(MakeValidUtf8("x\xE2\x82") == "x\xEF\xBF\xBD");
}

TEST_CASE("ToUtf8 reads ISO-8859-1 as Windows-1252, as Outlook's mail needs") {
  // 0x80 euro, 0x96 en dash, 0x93/0x94 quotes, 0xE6 0xF8 0xE5 = æøå
  const std::string bytes = "\x80 \x96 \x93x\x94 \xE6\xF8\xE5";
  const std::string want =
      "\xE2\x82\xAC \xE2\x80\x93 \xE2\x80\x9Cx\xE2\x80\x9D \xC3\xA6\xC3\xB8\xC3\xA5";
  CHECK(ToUtf8(bytes, "iso-8859-1") == want);
  CHECK(ToUtf8(bytes, "ISO_8859-1") == want);
  CHECK(ToUtf8(bytes, "latin1") == want);
  CHECK(ToUtf8(bytes, "windows-1252") == want);
  CHECK(ToUtf8(bytes, "\"cp1252\"") == want);
}

TEST_CASE("ToUtf8 keeps unlabelled UTF-8 and reads unlabelled 8-bit text as Windows-1252") {
  CHECK(ToUtf8("bl\xC3\xA5", "") == "bl\xC3\xA5");
  CHECK(ToUtf8("bl\xC3\xA5", "us-ascii") == "bl\xC3\xA5");
  CHECK(ToUtf8("bl\xE5", "") == "bl\xC3\xA5");
  CHECK(ToUtf8("bl\xE5", "x-no-such-charset") == "bl\xC3\xA5");
  // A label that says UTF-8 is trusted: the stray byte becomes U+FFFD.
  CHECK(ToUtf8("bl\xE5", "utf-8") == "bl\xEF\xBF\xBD");
}

TEST_CASE("ToUtf8 converts other charsets through GMime's iconv and never fails") {
  CHECK(ToUtf8("\xE6\xF8\xE5", "iso-8859-15") == "\xC3\xA6\xC3\xB8\xC3\xA5");
  CHECK(ToUtf8("\x1B$B$3$s$K$A$O\x1B(B", "iso-2022-jp") ==
        "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF");  // こんにちは
  // Undecodable bytes in a multi-byte charset come out as U+FFFD, the rest as text.
  const std::string out = ToUtf8("ok \xFF\xFE end", "shift_jis");
  CHECK(IsValidUtf8(out));
  CHECK_THAT(out, Catch::StartsWith("ok ") && Catch::EndsWith(" end"));
}

TEST_CASE("CleanLine makes one line of header text without controls") {
  CHECK(CleanLine("  a\r\n\tb  \x01 c\x7F ") == "a b c");
  CHECK(CleanLine("a\xC2\x96"
                  "b") == "a b");  // U+0096, a C1 control
  CHECK(CleanLine("\xE5") == "\xEF\xBF\xBD");
}

TEST_CASE("CleanBody normalises line ends, drops controls and trims blank lines at the ends") {
  CHECK(CleanBody("\r\n\r\n  indented\r\nnext\rlast\x01\x02  \r\n\r\n") ==
        "  indented\nnext\nlast");
  CHECK(CleanBody(" \n\t\n") == "");
  CHECK(CleanBody(std::string_view("tab\tkept\nNUL\0gone", 17)) == "tab\tkept\nNULgone");
}

// Mail uses the domain's one rule (ledger/domain/address.h), the one the requester index hashes.
TEST_CASE("NormalizeAddress lower-cases the whole address and drops angle brackets") {
  CHECK(NormalizeAddress(" <Ola.Nordmann@UIO.Example.NO> ") == "ola.nordmann@uio.example.no");
  CHECK(NormalizeAddress("no-domain") == "no-domain");
}

TEST_CASE("Adjacent base64 encoded words are all decoded, padding or not (GMime issue 133)") {
  CHECK(DecodeUnstructured("=?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=") == "Hello world");
  CHECK(DecodeUnstructured("=?UTF-8?B?U8O4a25hZA==?=\r\n =?UTF-8?B?IG9tIHRpbGdhbmc=?=") ==
        "S\xC3\xB8knad om tilgang");
}

TEST_CASE("A character split across two encoded words comes out whole") {
  // "ø" is C3 B8; the first word ends after C3.
  CHECK(DecodeUnstructured("=?utf-8?B?TcM=?= =?utf-8?B?uHRl?=") == "M\xC3\xB8te");
  CHECK(DecodeUnstructured("=?utf-8?Q?M=C3?= =?utf-8?Q?=B8te?=") == "M\xC3\xB8te");
}

TEST_CASE("Encoded words keep the text around them and drop only the space between them") {
  CHECK(DecodeUnstructured("Re: =?iso-8859-1?Q?Str=F8m?= =?iso-8859-1?Q?_brudd?= i dag") ==
        "Re: Str\xC3\xB8m brudd i dag");
  CHECK(DecodeUnstructured("=?utf-8?Q?a?= b =?utf-8?Q?c?=") == "a b c");
  CHECK(DecodeUnstructured("=?ISO-8859-1?Q?a?= =?UTF-8?Q?=C3=A5?=") == "a\xC3\xA5");
  CHECK(DecodeUnstructured("=?utf-8*no?Q?hei?=") == "hei");  // RFC 2231 language tag
}

TEST_CASE("Malformed encoded words are left as written") {
  CHECK(DecodeUnstructured("=?bogus?X?abc?=") == "=?bogus?X?abc?=");
  CHECK(DecodeUnstructured("=?utf-8?Q?unterminated") == "=?utf-8?Q?unterminated");
  CHECK(DecodeUnstructured("=??Q?x?=") == "=??Q?x?=");
  CHECK(DecodeUnstructured("raw \xE6\xF8\xE5") == "raw \xC3\xA6\xC3\xB8\xC3\xA5");
}

TEST_CASE("ReplaceEncodedWords quotes decoded names so GMime parses the address list") {
  CHECK(ReplaceEncodedWords("=?utf-8?Q?Ola_N=C3=B8rdmann?= <o@x.no>") ==
        "\"Ola N\xC3\xB8rdmann\" <o@x.no>");
  CHECK(ReplaceEncodedWords("\"=?utf-8?Q?S=C3=A6ther=2C_Trine?=\" <t@x.no>") ==
        "\"S\xC3\xA6ther, Trine\" <t@x.no>");
  CHECK(ReplaceEncodedWords("=?utf-8?Q?a=22b=5Cc?= <q@x.no>") == "\"a\\\"b\\\\c\" <q@x.no>");
  CHECK(ReplaceEncodedWords("x@y.no (=?utf-8?Q?P=C3=A5l_(IT)?=)") ==
        "x@y.no (P\xC3\xA5l \\(IT\\))");
  // A decoded line break cannot start a new header.
  CHECK(ReplaceEncodedWords("=?utf-8?Q?a=0D=0ABcc:_x?= <q@x.no>") == "\"a  Bcc: x\" <q@x.no>");
}

TEST_CASE("Decoded text that looks like an encoded word is marked, and the mark comes out") {
  const std::string replaced = ReplaceEncodedWords("=?utf-8?B?PT94P1E/eT89?= <q@x.no>");
  CHECK(replaced == "\"=\xEE\x80\x80?x?Q?y?=\" <q@x.no>");
  CHECK(RestoreLookalikes("=\xEE\x80\x80?x?Q?y?= and =\xEE\x80\x80?z") == "=?x?Q?y?= and =?z");
  CHECK(RestoreLookalikes("plain") == "plain");
}

TEST_CASE("ParseDeliveryStatus reads the per-recipient blocks of RFC 3464") {
  const DeliveryReport r = ParseDeliveryStatus(
      "Reporting-MTA: dns; mx.example.org\r\n"
      "\r\n"
      "Final-Recipient: rfc822; A@Example.ORG\r\n"
      "Action: Failed\r\n"
      "Status: 5.1.1\r\n"
      "Diagnostic-Code: smtp; 550 5.1.1 unknown\r\n"
      "  user\r\n"
      "\r\n"
      "Original-Recipient: rfc822;b@example.org\r\n"
      "Action: delayed\r\n"
      "Status: 4.4.1\r\n");
  CHECK(r.reporting_mta == "dns; mx.example.org");
  REQUIRE(r.recipients.size() == 2);
  CHECK(r.recipients[0].final_recipient == "a@example.org");
  CHECK(r.recipients[0].action == "failed");
  CHECK(r.recipients[0].diagnostic_code == "smtp; 550 5.1.1 unknown user");
  CHECK(r.recipients[1].final_recipient == "b@example.org");
  CHECK(r.HasFailure());
  CHECK(r.FailedRecipients() == std::vector<std::string>{"a@example.org"});
  CHECK(FindMessageId("From: x@y\nMessage-ID:\n <abc@d.e>\n\nMessage-ID: <not@this>") == "abc@d.e");
}

}  // namespace
}  // namespace tl::mail::internal
