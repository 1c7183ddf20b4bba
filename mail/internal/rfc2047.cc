#include "mail/internal/rfc2047.h"

#include <cstdint>
#include <optional>

#include "mail/internal/text.h"

namespace tl::mail::internal {
namespace {

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Each encoded word is decoded on its own, so padding ends only its own word.
std::string DecodeBase64(std::string_view text) {
  std::string out;
  uint32_t bits = 0;
  int nbits = 0;
  for (char c : text) {
    if (c == '=') break;
    const int v = Base64Value(c);
    if (v < 0) continue;  // stray characters are skipped, as decoders do
    bits = (bits << 6) | static_cast<uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += static_cast<char>((bits >> nbits) & 0xFF);
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string DecodeQ(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out += ' ';
    } else if (c == '=' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

struct EncodedWord {
  std::string charset;  // lower case, without an RFC 2231 language suffix
  std::string bytes;    // decoded, still in `charset`
  size_t end = 0;       // index just after "?="
};

// The next occurrence of a needle at or after a position, remembered: positions asked for only
// grow, so a stretch with many "=?" and no "?=" costs one scan, not one per "=?" (header text
// of that shape must stay linear, it can be megabytes long).
class NextOf {
 public:
  NextOf(std::string_view s, std::string_view needle, bool any_of)
      : s_(s), needle_(needle), any_of_(any_of) {}
  size_t From(size_t from) {
    if (!searched_ || (found_ != std::string_view::npos && found_ < from)) {
      found_ = any_of_ ? s_.find_first_of(needle_, from) : s_.find(needle_, from);
      searched_ = true;
    }
    return found_;
  }

 private:
  std::string_view s_;
  std::string_view needle_;
  bool any_of_;
  bool searched_ = false;
  size_t found_ = 0;
};

// The encoded word starting at s[pos] ("=?"), or nullopt when there is none there.
std::optional<EncodedWord> ParseEncodedWord(std::string_view s, size_t pos, NextOf& closes,
                                            NextOf& line_breaks) {
  if (s.compare(pos, 2, "=?") != 0) return std::nullopt;
  const size_t charset_begin = pos + 2;
  const size_t q1_offset = s.substr(charset_begin, 65).find('?');  // charsets are short
  if (q1_offset == std::string_view::npos || q1_offset == 0) return std::nullopt;
  const size_t q1 = charset_begin + q1_offset;
  std::string_view charset = s.substr(charset_begin, q1_offset);
  for (char c : charset) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '=' || c == '"') return std::nullopt;
  }
  if (q1 + 2 >= s.size() || s[q1 + 2] != '?') return std::nullopt;
  const char encoding = s[q1 + 1];
  if (encoding != 'B' && encoding != 'b' && encoding != 'Q' && encoding != 'q') return std::nullopt;
  const size_t text_begin = q1 + 3;
  const size_t close = closes.From(text_begin);
  if (close == std::string_view::npos) return std::nullopt;
  // An encoded word is never folded.
  if (line_breaks.From(text_begin) < close) return std::nullopt;
  const std::string_view text = s.substr(text_begin, close - text_begin);
  EncodedWord word;
  word.bytes = encoding == 'B' || encoding == 'b' ? DecodeBase64(text) : DecodeQ(text);
  if (const size_t star = charset.find('*'); star != std::string_view::npos) {
    charset = charset.substr(0, star);  // RFC 2231 section 5: "=?utf-8*no?Q?...?="
  }
  word.charset = AsciiLower(charset);
  word.end = close + 2;
  return word;
}

// U+E000, a private-use character: no mail text means it, and GMime passes it through.
constexpr std::string_view kLookalikeMark = "\xEE\x80\x80";

bool IsFoldingWhite(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool AllWhite(std::string_view s) {
  for (char c : s) {
    if (!IsFoldingWhite(c)) return false;
  }
  return true;
}

// Walks a header value and hands the decoder's results to a sink: literal(text) for text that
// is not an encoded word, run(utf8) for each run of adjacent encoded words. Adjacent words in
// the same charset are joined as bytes before conversion, so that a character split across
// them comes out whole.
template <typename Literal, typename Run>
void Scan(std::string_view s, Literal&& literal, Run&& run) {
  std::string run_charset;
  std::string run_bytes;
  bool in_run = false;
  size_t literal_begin = 0;
  auto flush_run = [&] {
    if (!in_run) return;
    std::string text = ToUtf8(run_bytes, run_charset);
    run(std::move(text));
    run_bytes.clear();
    in_run = false;
  };
  NextOf closes(s, "?=", false);
  NextOf line_breaks(s, "\r\n", true);
  size_t i = 0;
  while (i < s.size()) {
    const size_t next = s.find("=?", i);
    if (next == std::string_view::npos) break;
    std::optional<EncodedWord> word = ParseEncodedWord(s, next, closes, line_breaks);
    if (!word) {
      i = next + 1;
      continue;
    }
    const std::string_view between = s.substr(literal_begin, next - literal_begin);
    if (in_run && AllWhite(between) && word->charset == run_charset) {
      run_bytes += word->bytes;  // white space between encoded words is not text
    } else {
      if (in_run && AllWhite(between)) {
        flush_run();
      } else {
        flush_run();
        if (!between.empty()) literal(between);
      }
      in_run = true;
      run_charset = word->charset;
      run_bytes = std::move(word->bytes);
    }
    i = word->end;
    literal_begin = i;
  }
  flush_run();
  if (literal_begin < s.size()) literal(s.substr(literal_begin));
}

}  // namespace

std::string DecodeUnstructured(std::string_view raw_value) {
  std::string out;
  Scan(
      raw_value, [&](std::string_view text) { out += ToUtf8(text, ""); },
      [&](std::string utf8) { out += utf8; });
  return out;
}

std::string ReplaceEncodedWords(std::string_view raw_value) {
  std::string out;
  bool in_quote = false;
  int comment_depth = 0;
  bool escaped = false;
  Scan(
      raw_value,
      [&](std::string_view text) {
        // Literal text goes through unchanged; only the quote and comment state is followed.
        for (char c : text) {
          out += c;
          if (escaped) {
            escaped = false;
          } else if (c == '\\') {
            escaped = true;
          } else if (c == '"' && comment_depth == 0) {
            in_quote = !in_quote;
          } else if (!in_quote && c == '(') {
            ++comment_depth;
          } else if (!in_quote && c == ')' && comment_depth > 0) {
            --comment_depth;
          }
        }
      },
      [&](std::string utf8) {
        const bool bare = !in_quote && comment_depth == 0;
        if (bare) out += '"';
        for (size_t i = 0; i < utf8.size(); ++i) {
          char c = utf8[i];
          if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
          if (c == '\\' || c == '"' || (comment_depth > 0 && (c == '(' || c == ')'))) out += '\\';
          if (c == '?' && i > 0 && utf8[i - 1] == '=') out += kLookalikeMark;
          out += c;
        }
        if (bare) out += '"';
      });
  return out;
}

std::string RestoreLookalikes(std::string text) {
  std::string mark = "=";
  mark += kLookalikeMark;
  mark += '?';
  for (size_t pos = text.find(mark); pos != std::string::npos; pos = text.find(mark, pos + 1)) {
    text.erase(pos + 1, kLookalikeMark.size());
  }
  return text;
}

}  // namespace tl::mail::internal
