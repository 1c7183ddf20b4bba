// The one UTF-8 decoder (ledger/domain/utf8.h): lengths and code points of well-formed sequences,
// and each way a sequence can be malformed or cut off.
#include "ledger/domain/utf8.h"

#include <catch2/catch.hpp>

using tl::ledger::DecodeUtf8;
using tl::ledger::IsValidUtf8;

TEST_CASE("UTF-8 sequences decode to their code points", "[ledger][utf8]") {
  CHECK(DecodeUtf8("a").length == 1);
  CHECK(DecodeUtf8("a").code_point == 'a');
  CHECK(DecodeUtf8("\xC3\xA9x").length == 2);
  CHECK(DecodeUtf8("\xC3\xA9x").code_point == 0xE9);
  CHECK(DecodeUtf8("\xE2\x82\xAC").code_point == 0x20AC);
  CHECK(DecodeUtf8("\xEF\xBF\xBF").code_point == 0xFFFF);  // a character to UTF-8, not to XML
  CHECK(DecodeUtf8("\xF0\x9F\x98\x80").length == 4);
  CHECK(DecodeUtf8("\xF0\x9F\x98\x80").code_point == 0x1F600);
  CHECK(DecodeUtf8("\xF4\x8F\xBF\xBF").code_point == 0x10FFFF);
}

TEST_CASE("malformed UTF-8 is refused and a cut-off sequence is told apart", "[ledger][utf8]") {
  for (const char* bad :
       {"\x80", "\xBF", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF", "\xED\xA0\x80",
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xC3(", "\xE2\x28\xA1"}) {
    INFO(bad);
    CHECK(DecodeUtf8(bad).length == 0);
    CHECK_FALSE(IsValidUtf8(bad));
  }
  CHECK(DecodeUtf8("\xE2\x82").length == -1);
  CHECK(DecodeUtf8("\xF0\x9F\x98").length == -1);
  CHECK_FALSE(IsValidUtf8("ok \xE2\x82"));
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("l\xC3\xB8st \xE2\x82\xAC \xF0\x9F\x98\x80"));
}
