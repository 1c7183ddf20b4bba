// LogLine: the one shape of every line the ledger's processes write to stderr (docs/operations.md,
// "Logs"): a JSON object per line with `time` (RFC 3339, UTC), `level`, `message` and then the
// line's own fields, written with one write(2) so that lines of concurrent threads never
// interleave. Under systemd the journal keeps them; `jq` reads them.
//
// The minimum level is process-wide, set once by `serve --log-level` before any thread starts:
// the one global of the code base, because every layer logs (RocksDB's adapter in the store,
// the integrity check in the application, the server's access log) and threading a logger
// through each would add a parameter to every constructor for a setting that never changes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace tl {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

std::string_view LogLevelName(LogLevel level);  // "debug", "info", "warn", "error"
std::optional<LogLevel> ParseLogLevel(std::string_view name);

// Lines below `level` are dropped. Default: kInfo. Call before other threads log.
void SetMinLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

// A field of a line: its key and its value already encoded as JSON.
struct LogField {
  LogField(std::string_view key, std::string_view text);  // a string
  LogField(std::string_view key, const char* text) : LogField(key, std::string_view(text)) {}
  LogField(std::string_view key, const std::string& text) : LogField(key, std::string_view(text)) {}
  LogField(std::string_view key, int64_t number);
  LogField(std::string_view key, uint64_t number);
  LogField(std::string_view key, int number) : LogField(key, static_cast<int64_t>(number)) {}
  LogField(std::string_view key, double number);  // as a plain decimal, 3 places ("1.598")
  LogField(std::string_view key, bool value);
  static LogField Null(std::string_view key);

  std::string_view key;
  std::string json;

 private:
  LogField() = default;
};

// Writes one line if `level` is enabled. Keys must be plain ASCII names (they are not escaped);
// string values may hold anything: they are escaped, and bytes that are not UTF-8 are written
// as \u00XX escapes, so the line is always valid JSON.
void LogLine(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

// The JSON string literal of `text` (quotes included), escaped as LogLine escapes values.
std::string JsonString(std::string_view text);

}  // namespace tl
