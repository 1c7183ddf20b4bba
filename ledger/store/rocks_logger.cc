#include "ledger/store/rocks_logger.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>

#include "ledger/domain/time_format.h"
#include "ledger/domain/utf8.h"
#include "ledger/store/event_log.h"

namespace tl::ledger {
namespace {

// A message longer than this is cut (RocksDB's longest are option dumps, which are dropped).
constexpr size_t kMaxMessage = 16u << 10;

std::string_view LevelName(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::WARN_LEVEL:
      return "warn";
    case rocksdb::InfoLogLevel::ERROR_LEVEL:
      return "error";
    case rocksdb::InfoLogLevel::FATAL_LEVEL:
      return "fatal";
    default:
      return "";  // dropped
  }
}

std::string Format(const char* format, va_list ap) {
  std::string message(512, '\0');
  va_list copy;
  va_copy(copy, ap);
  const int n = std::vsnprintf(message.data(), message.size(), format, copy);
  va_end(copy);
  if (n < 0) return format;  // a bad format: the format itself says what was meant
  if (static_cast<size_t>(n) >= message.size()) {
    message.resize(std::min(static_cast<size_t>(n), kMaxMessage) + 1);
    va_copy(copy, ap);
    std::vsnprintf(message.data(), message.size(), format, copy);
    va_end(copy);
  }
  message.resize(std::min(static_cast<size_t>(n), message.size() - 1));
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

class StderrJsonLogger : public rocksdb::Logger {
 public:
  // The level tells RocksDB's logging macros to skip formatting what would be dropped anyway.
  StderrJsonLogger() : Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}

  // Lines without a level are RocksDB's info lines: dropped.
  void Logv(const char* /*format*/, va_list /*ap*/) override {}

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    const std::string_view name = LevelName(level);
    if (name.empty()) return;
    const std::string line = fmt::format(
        "{{\"time\":\"{}\",\"level\":\"{}\",\"message\":{},\"component\":\"rocksdb\"}}\n",
        FormatRfc3339(SystemClockNow()), name, JsonQuoted(Format(format, ap)));
    const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
    (void)written;  // an unwritable stderr must not take the ledger down
  }
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewStderrJsonLogger() {
  return std::make_shared<StderrJsonLogger>();
}

std::string JsonQuoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  while (!text.empty()) {
    const unsigned char c = static_cast<unsigned char>(text.front());
    if (c >= 0x80) {
      const Utf8Sequence seq = DecodeUtf8(text);
      if (seq.length > 0) {
        out.append(text.substr(0, static_cast<size_t>(seq.length)));
        text.remove_prefix(static_cast<size_t>(seq.length));
      } else {
        out.append("\\ufffd");
        text.remove_prefix(1);
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20) {
          out.append(fmt::format("\\u{:04x}", c));
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    text.remove_prefix(1);
  }
  out.push_back('"');
  return out;
}

}  // namespace tl::ledger
