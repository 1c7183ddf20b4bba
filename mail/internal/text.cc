#include "mail/internal/text.h"

#include <gmime/gmime.h>

#include <cerrno>
#include <cstdint>
#include <initializer_list>

#include "mail/internal/gmime_support.h"

namespace tl::mail::internal {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at the start of `s`, or 0 when it is ill-formed
// (RFC 3629 table 3-7 of Unicode: the second byte's range depends on the first).
size_t ValidSequenceLength(std::string_view s) {
  const auto b0 = static_cast<uint8_t>(s[0]);
  if (b0 < 0x80) return 1;
  size_t len;
  uint8_t lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  const auto b1 = static_cast<uint8_t>(s[1]);
  if (b1 < lo || b1 > hi) return 0;
  for (size_t i = 2; i < len; ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return len;
}

// Counts the multi-byte sequences and the ill-formed bytes of `s`.
struct Utf8Census {
  size_t multibyte = 0;
  size_t bad = 0;
};
Utf8Census CountUtf8(std::string_view s) {
  Utf8Census census;
  size_t i = 0;
  while (i < s.size()) {
    const size_t n = ValidSequenceLength(s.substr(i));
    if (n == 0) {
      ++census.bad;
      ++i;
    } else {
      if (n > 1) ++census.multibyte;
      i += n;
    }
  }
  return census;
}

// Converts with iconv; an undecodable byte becomes U+FFFD and decoding goes on after it.
std::string Convert(iconv_t cd, std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4 + 16);
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it never writes to input
  size_t in_left = bytes.size();
  char buf[4096];
  while (in_left > 0) {
    char* o = buf;
    size_t o_left = sizeof buf;
    const size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    const int err = errno;
    out.append(buf, static_cast<size_t>(o - buf));
    if (r != static_cast<size_t>(-1)) continue;
    if (err == E2BIG && o != buf) continue;  // the buffer was full: drain it and go on
    // EILSEQ, EINVAL (a truncated sequence at the end) or anything else: skip one byte.
    out += kReplacement;
    ++in;
    --in_left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial shift state
  }
  char* o = buf;
  size_t o_left = sizeof buf;
  iconv(cd, nullptr, nullptr, &o, &o_left);  // a stateful charset's closing sequence
  out.append(buf, static_cast<size_t>(o - buf));
  return out;
}

// Reads `bytes` as `iconv_name` (a charset iconv knows); false when iconv does not know it.
bool ConvertWith(const char* charset, std::string_view bytes, std::string* out) {
  iconv_t cd = g_mime_iconv_open("UTF-8", charset);
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  *out = Convert(cd, bytes);
  g_mime_iconv_close(cd);
  return true;
}

std::string Windows1252ToUtf8(std::string_view bytes) {
  std::string out;
  if (!ConvertWith("windows-1252", bytes, &out)) out = MakeValidUtf8(bytes);  // no iconv at all
  return out;
}

// Unlabelled (or us-ascii-labelled 8-bit) bytes: UTF-8 if they are (or nearly are: a stray bad
// byte in otherwise multi-byte text), else the single-byte text they most likely are.
std::string Utf8OrWindows1252(std::string_view bytes) {
  const Utf8Census census = CountUtf8(bytes);
  if (census.bad == 0) return std::string(bytes);
  if (census.multibyte == 0) return Windows1252ToUtf8(bytes);
  return MakeValidUtf8(bytes);
}

// U+0080..U+009F (0xC2 0x80..0x9F in UTF-8): controls no mail text means; they come from
// Windows-1252 bytes read as ISO-8859-1 somewhere upstream.
bool IsC1Control(std::string_view s, size_t i) {
  return static_cast<uint8_t>(s[i]) == 0xC2 && i + 1 < s.size() &&
         static_cast<uint8_t>(s[i + 1]) >= 0x80 && static_cast<uint8_t>(s[i + 1]) <= 0x9F;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

}  // namespace

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<uint8_t>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = ValidSequenceLength(text.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string MakeValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = ValidSequenceLength(text.substr(i));
    if (n == 0) {
      out += kReplacement;
      // Skip the maximal ill-formed subpart: the lead byte and the continuation bytes after it.
      ++i;
      while (i < text.size() && (static_cast<uint8_t>(text[i]) & 0xC0) == 0x80 &&
             ValidSequenceLength(text.substr(i)) == 0) {
        ++i;
      }
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string ToUtf8(std::string_view bytes, std::string_view charset) {
  EnsureGMimeInitialized();
  std::string label = AsciiLower(TrimWhitespace(charset));
  if (label.size() >= 2 && label.front() == '"' && label.back() == '"') {
    label = label.substr(1, label.size() - 2);
  }
  // GMime's table maps many aliases to a canonical name, but not all ("latin1" stays), so the
  // three families that matter most are also matched by name here.
  const std::string canon =
      label.empty() ? "" : AsciiLower(g_mime_charset_canon_name(label.c_str()));
  auto is_one_of = [&](std::initializer_list<std::string_view> names) {
    for (std::string_view n : names) {
      if (label == n || canon == n) return true;
    }
    return false;
  };
  if (is_one_of({"utf-8", "utf8"})) return MakeValidUtf8(bytes);  // a UTF-8 label is trusted
  if (label.empty() || is_one_of({"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "cp367",
                                  "ibm367", "csascii", "x-unknown", "unknown-8bit"})) {
    return Utf8OrWindows1252(bytes);
  }
  if (is_one_of({"iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1", "l1",
                 "iso-ir-100", "cp819", "ibm819", "csisolatin1", "windows-1252", "cp1252",
                 "cp-1252", "windows1252", "x-cp1252"})) {
    return Windows1252ToUtf8(bytes);
  }
  std::string out;
  if (!ConvertWith(canon.c_str(), bytes, &out)) return Utf8OrWindows1252(bytes);
  return MakeValidUtf8(out);  // iconv's output is UTF-8; this only guards against a broken one
}

std::string CleanLine(std::string_view text) {
  const std::string valid = IsValidUtf8(text) ? std::string(text) : MakeValidUtf8(text);
  std::string out;
  out.reserve(valid.size());
  bool space = false;
  for (size_t i = 0; i < valid.size(); ++i) {
    const char c = valid[i];
    const auto u = static_cast<uint8_t>(c);
    if (u < 0x20 || u == 0x7F || c == ' ') {
      space = true;
      continue;
    }
    if (IsC1Control(valid, i)) {
      space = true;
      ++i;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string CleanBody(std::string_view text) {
  const std::string valid = IsValidUtf8(text) ? std::string(text) : MakeValidUtf8(text);
  std::string out;
  out.reserve(valid.size());
  for (size_t i = 0; i < valid.size(); ++i) {
    const char c = valid[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < valid.size() && valid[i + 1] == '\n') ++i;
      continue;
    }
    const auto u = static_cast<uint8_t>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7F) continue;
    if (IsC1Control(valid, i)) {
      ++i;
      continue;
    }
    out += c;
  }
  // Blank lines at the start go (the first visible line keeps its indentation), and all white
  // space at the end.
  size_t p = 0;
  while (p < out.size() && IsSpace(out[p])) ++p;
  if (p == out.size()) return "";
  const size_t nl_before = out.rfind('\n', p);
  const size_t first = nl_before == std::string::npos ? 0 : nl_before + 1;
  size_t q = out.size();
  while (IsSpace(out[q - 1])) --q;
  return out.substr(first, q - first);
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view TrimWhitespace(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace tl::mail::internal
