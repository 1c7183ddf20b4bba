#include "tools/import/timestamp.h"

#include <fmt/format.h>

#include "ledger/domain/time_format.h"

namespace tl::tools::import {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads between min and max digits at `pos`.
bool ReadNumber(std::string_view s, size_t* pos, size_t min, size_t max, int64_t* out) {
  size_t i = *pos;
  int64_t v = 0;
  while (i < s.size() && i - *pos < max && IsDigit(s[i])) v = v * 10 + (s[i++] - '0');
  if (i - *pos < min) return false;
  *pos = i;
  *out = v;
  return true;
}

bool LeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, int64_t m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && LeapYear(y) ? 29 : kDays[m - 1];
}

}  // namespace

Result<int64_t> ParseUtcOffset(std::string_view text) {
  if (text == "Z" || text == "z" || text == "UTC" || text == "utc") return int64_t{0};
  auto bad = [&] {
    return Status::BadField(fmt::format("'{}' is not a UTC offset (+HH:MM) or UTC", text));
  };
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) return bad();
  size_t pos = 1;
  int64_t hours = 0, minutes = 0;
  if (!ReadNumber(text, &pos, 2, 2, &hours)) return bad();
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size() && !ReadNumber(text, &pos, 2, 2, &minutes)) return bad();
  if (pos != text.size() || hours > 23 || minutes > 59) return bad();
  const int64_t seconds = hours * 3600 + minutes * 60;
  return text[0] == '-' ? -seconds : seconds;
}

Result<TimestampParser> TimestampParser::Create(std::string_view format, std::string_view zone) {
  TimestampParser p;
  TL_ASSIGN_OR_RETURN(p.zone_offset_seconds_, ParseUtcOffset(zone.empty() ? "UTC" : zone));
  if (format == "rfc3339") return p;
  p.rfc3339_ = false;
  auto literal = [&](char c) {
    if (p.pieces_.empty() || p.pieces_.back().field != 0) p.pieces_.emplace_back();
    p.pieces_.back().literal.push_back(c);
  };
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      literal(format[i]);
      continue;
    }
    if (++i == format.size()) return Status::BadField("a timestamp format ends with '%'");
    const char f = format[i];
    if (f == '%') {
      literal('%');
      continue;
    }
    if (std::string_view("YmdHMSfz").find(f) == std::string_view::npos) {
      return Status::BadField(fmt::format("timestamp format field %{} is not supported", f));
    }
    p.pieces_.push_back(Piece{f, {}});
  }
  if (p.pieces_.empty()) return Status::BadField("an empty timestamp format");
  return p;
}

Result<ledger::TimeNs> TimestampParser::Parse(std::string_view text) const {
  auto bad = [&] { return Status::BadField(fmt::format("bad timestamp '{}'", text)); };
  if (rfc3339_) {
    // RFC 3339 requires an offset; a bare local time takes the mapping's zone.
    auto parsed = ledger::ParseRfc3339(text);
    if (parsed.ok()) return parsed;
    if (text.size() >= 19) {
      auto local = ledger::ParseRfc3339(std::string(text) + "Z");
      if (local.ok()) return *local - zone_offset_seconds_ * ledger::kNanosPerSecond;
    }
    return bad();
  }
  int64_t year = -1, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0;
  int64_t offset = zone_offset_seconds_;
  size_t pos = 0;
  for (const Piece& piece : pieces_) {
    if (piece.field == 0) {
      for (char c : piece.literal) {
        if (c == ' ') {
          if (pos >= text.size() || text[pos] != ' ') return bad();
          while (pos < text.size() && text[pos] == ' ') ++pos;
        } else {
          if (pos >= text.size() || text[pos] != c) return bad();
          ++pos;
        }
      }
      continue;
    }
    bool ok = true;
    switch (piece.field) {
      case 'Y':
        ok = ReadNumber(text, &pos, 4, 4, &year);
        break;
      case 'm':
        ok = ReadNumber(text, &pos, 1, 2, &month);
        break;
      case 'd':
        ok = ReadNumber(text, &pos, 1, 2, &day);
        break;
      case 'H':
        ok = ReadNumber(text, &pos, 1, 2, &hour);
        break;
      case 'M':
        ok = ReadNumber(text, &pos, 1, 2, &minute);
        break;
      case 'S':
        ok = ReadNumber(text, &pos, 1, 2, &second);
        break;
      case 'f': {
        const size_t start = pos;
        ok = ReadNumber(text, &pos, 1, 9, &nanos);
        for (size_t digits = pos - start; ok && digits < 9; ++digits) nanos *= 10;
        while (pos < text.size() && IsDigit(text[pos])) ++pos;  // finer than ns: truncated
        break;
      }
      case 'z': {
        size_t end = pos;
        while (end < text.size() && (text[end] == '+' || text[end] == '-' || text[end] == ':' ||
                                     text[end] == 'Z' || IsDigit(text[end]))) {
          ++end;
        }
        auto parsed = ParseUtcOffset(text.substr(pos, end - pos));
        ok = parsed.ok();
        if (ok) offset = *parsed;
        pos = end;
        break;
      }
    }
    if (!ok) return bad();
  }
  if (pos != text.size() || year < 0) return bad();
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return bad();
  }
  const int64_t days =
      ledger::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  return seconds * ledger::kNanosPerSecond + nanos;
}

}  // namespace tl::tools::import
