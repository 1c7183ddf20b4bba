#include "ledger/domain/log_line.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <iterator>

#include "ledger/domain/time_format.h"
#include "ledger/domain/utf8.h"

namespace tl {

namespace {

std::atomic<LogLevel> min_level{LogLevel::kInfo};

// The current time for a log line: the one place below the server that reads the wall clock,
// and only to stamp what it writes, never to decide anything.
int64_t NowNanos() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (name == LogLevelName(level)) return level;
  }
  return std::nullopt;
}

void SetMinLogLevel(LogLevel level) { min_level.store(level, std::memory_order_relaxed); }

bool LogEnabled(LogLevel level) { return level >= min_level.load(std::memory_order_relaxed); }

std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  while (!text.empty()) {
    const unsigned char c = static_cast<unsigned char>(text.front());
    if (c >= 0x80) {
      const ledger::Utf8Sequence seq = ledger::DecodeUtf8(text);
      if (seq.length > 0) {
        out.append(text.substr(0, static_cast<size_t>(seq.length)));
        text.remove_prefix(static_cast<size_t>(seq.length));
        continue;
      }
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);  // not UTF-8: the byte itself
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
    text.remove_prefix(1);
  }
  out += '"';
  return out;
}

LogField::LogField(std::string_view key, std::string_view text)
    : key(key), json(JsonString(text)) {}
LogField::LogField(std::string_view key, int64_t number) : key(key), json(std::to_string(number)) {}
LogField::LogField(std::string_view key, uint64_t number)
    : key(key), json(std::to_string(number)) {}
LogField::LogField(std::string_view key, double number)
    : key(key), json(fmt::format("{:.3f}", number)) {}
LogField::LogField(std::string_view key, bool value) : key(key), json(value ? "true" : "false") {}

LogField LogField::Null(std::string_view key) {
  LogField field;
  field.key = key;
  field.json = "null";
  return field;
}

void LogLine(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  std::string line =
      fmt::format("{{\"time\":\"{}\",\"level\":\"{}\",\"message\":{}",
                  ledger::FormatRfc3339(NowNanos()), LogLevelName(level), JsonString(message));
  for (const LogField& f : fields)
    fmt::format_to(std::back_inserter(line), ",\"{}\":{}", f.key, f.json);
  line += "}\n";
  // One write(2) per line: lines from concurrent threads never interleave.
  const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
  (void)written;  // an unwritable stderr must not take the process down
}

}  // namespace tl
