// The log line's JSON: valid whatever bytes a value holds, and the levels.
#include "ledger/domain/log_line.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using tl::JsonString;
using tl::LogLevel;

TEST_CASE("a log value is a JSON string that reads back as the text, whatever its bytes",
          "[ledger][log]") {
  for (const std::string text :
       {std::string("plain"), std::string("quote \" backslash \\ slash /"),
        std::string("line\nfeed\ttab\rreturn"), std::string("ctl \x01\x1f\x7f", 8),
        std::string("æøå ✓ 😀"), std::string("nul \0 inside", 12)}) {
    CAPTURE(text);
    const std::string json = JsonString(text);
    CHECK(boost::json::parse(json).as_string() == text);
  }
  // Bytes that are not UTF-8 (a client's path, say) become escapes of the bytes: still JSON.
  const std::string broken = "bad \xff\xfe and cut \xe2\x82";
  const std::string json = JsonString(broken);
  CHECK(json == R"("bad \u00ff\u00fe and cut \u00e2\u0082")");
  CHECK(boost::json::parse(json).is_string());
}

TEST_CASE("log levels parse by name and filter from the minimum up", "[ledger][log]") {
  CHECK(tl::ParseLogLevel("warn") == LogLevel::kWarn);
  CHECK(tl::ParseLogLevel("debug") == LogLevel::kDebug);
  CHECK_FALSE(tl::ParseLogLevel("chatty").has_value());
  tl::SetMinLogLevel(LogLevel::kWarn);
  CHECK_FALSE(tl::LogEnabled(LogLevel::kInfo));
  CHECK(tl::LogEnabled(LogLevel::kWarn));
  CHECK(tl::LogEnabled(LogLevel::kError));
  tl::SetMinLogLevel(LogLevel::kInfo);
  CHECK(tl::LogEnabled(LogLevel::kInfo));
  CHECK_FALSE(tl::LogEnabled(LogLevel::kDebug));
}
