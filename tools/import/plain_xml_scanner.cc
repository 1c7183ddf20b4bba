#include "tools/import/plain_xml_scanner.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/utf8.h"

namespace tl::tools::import {
namespace {

// The longest reference the subset knows, "&#x10FFFF;", with room for leading zeros.
constexpr size_t kMaxReference = 16;

// kNeedMore: the construct runs past the bytes read so far; it is parsed again from its start
// once more input is there (nothing is reported before a construct is complete).
enum class Step { kOk, kNeedMore, kNotPlain };

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// ASCII names only: a name with other letters is left to expat, which knows XML's name tables.
bool IsNameStart(unsigned char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' || c == ':';
}
bool IsNameChar(unsigned char c) {
  return IsNameStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

// An XML Char (XML 1.0, production 2).
bool IsXmlChar(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// The length of the UTF-8 sequence of one XML character that starts at `p`: 0 when it is not
// one (not well-formed UTF-8, or U+FFFE, U+FFFF), -1 when it runs past `end`.
int Utf8Char(const unsigned char* p, const unsigned char* end) {
  const ledger::Utf8Sequence s =
      ledger::DecodeUtf8(std::string_view(reinterpret_cast<const char*>(p), end - p));
  return s.length > 0 && !IsXmlChar(s.code_point) ? 0 : s.length;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

// The XML declaration's pseudo-attributes after "<?xml" (up to, not including, "?>"): version
// 1.0, then optionally an encoding that is UTF-8, then optionally standalone yes or no.
bool IsPlainDeclaration(std::string_view body) {
  size_t i = 0;
  auto skip_space = [&] {
    const size_t from = i;
    while (i < body.size() && IsSpace(body[i])) ++i;
    return i > from;
  };
  auto pseudo_attribute = [&](std::string_view name, std::string_view* value) {
    const size_t from = i;
    if (!skip_space() || body.substr(i, name.size()) != name) {
      i = from;
      return false;
    }
    i += name.size();
    skip_space();
    if (i >= body.size() || body[i] != '=') return false;
    ++i;
    skip_space();
    if (i >= body.size() || (body[i] != '"' && body[i] != '\'')) return false;
    const char quote = body[i++];
    const size_t close = body.find(quote, i);
    if (close == std::string_view::npos) return false;
    *value = body.substr(i, close - i);
    i = close + 1;
    return true;
  };
  std::string_view value;
  if (!pseudo_attribute("version", &value) || value != "1.0") return false;
  size_t before = i;
  if (pseudo_attribute("encoding", &value)) {
    if (!EqualsIgnoringAsciiCase(value, "utf-8")) return false;
  } else {
    i = before;
  }
  before = i;
  if (pseudo_attribute("standalone", &value)) {
    if (value != "yes" && value != "no") return false;
  } else {
    i = before;
  }
  skip_space();
  return i == body.size();
}

class Scanner {
 public:
  Scanner(GzipReader& input, const XmlCallbacks& callbacks, size_t block_bytes)
      : input_(input), cb_(callbacks), block_bytes_(std::max<size_t>(block_bytes, 1)) {}

  Result<ScanOutcome> Run() {
    // A UTF-8 byte order mark is skipped (however small the blocks, it is looked at whole).
    for (bool more = true; more && end_ < 3;) {
      TL_ASSIGN_OR_RETURN(more, More());
    }
    if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    for (;;) {
      const void* lt = std::memchr(buf_.data() + pos_, '<', end_ - pos_);
      const size_t stop = lt ? static_cast<const char*>(lt) - buf_.data() : end_;
      size_t valid = pos_;
      const Step text = Text(pos_, stop, &valid);
      if (text == Step::kNotPlain) return ScanOutcome::kNotPlain;
      if (valid > pos_) at_document_start_ = false;
      pos_ = valid;
      if (text == Step::kOk && lt != nullptr) {
        size_t next = 0;
        const Step markup = Markup(pos_, &next);
        if (markup == Step::kNotPlain) return ScanOutcome::kNotPlain;
        if (markup == Step::kOk) {
          pos_ = next;
          at_document_start_ = false;
          if (cb_.stopped(cb_.data)) return ScanOutcome::kStopped;
          continue;
        }
      }
      TL_ASSIGN_OR_RETURN(bool more, More());
      if (!more) {
        return pos_ == end_ && root_closed_ ? ScanOutcome::kComplete : ScanOutcome::kNotPlain;
      }
    }
  }

 private:
  // Moves the unread bytes to the front and reads more after them; false at the end.
  Result<bool> More() {
    if (eof_) return false;
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (buf_.size() < end_ + block_bytes_) buf_.resize(end_ + block_bytes_);
    TL_ASSIGN_OR_RETURN(size_t n, input_.Read(buf_.data() + end_, block_bytes_));
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += n;
    return true;
  }

  unsigned char At(size_t i) const { return static_cast<unsigned char>(buf_[i]); }
  const unsigned char* Bytes(size_t i) const {
    return reinterpret_cast<const unsigned char*>(buf_.data()) + i;
  }

  // Character data in [p, stop): checked, then ignored (XES keeps nothing in it). Outside the
  // root only whitespace may appear; references, '>' and non-characters are left to expat.
  // `valid` is how far it is known good.
  Step Text(size_t p, size_t stop, size_t* valid) {
    const bool outside_root = open_.empty();
    while (p < stop) {
      const unsigned char c = At(p);
      if (c < 0x80) {
        if (IsSpace(c)) {
          ++p;
          continue;
        }
        if (outside_root || c < 0x20 || c == '&' || c == '>') return Step::kNotPlain;
        ++p;
        continue;
      }
      if (outside_root) return Step::kNotPlain;
      const int n = Utf8Char(Bytes(p), Bytes(stop));
      if (n == 0 || (n < 0 && stop < end_)) return Step::kNotPlain;  // cut off by a '<'
      if (n < 0) break;
      p += n;
    }
    *valid = p;
    return p == stop ? Step::kOk : Step::kNeedMore;
  }

  Step Markup(size_t p, size_t* next) {
    if (end_ - p < 2) return Step::kNeedMore;
    switch (At(p + 1)) {
      case '!':
        return Comment(p, next);
      case '?':
        return Declaration(p, next);
      case '/':
        return EndTag(p, next);
      default:
        return StartTag(p, next);
    }
  }

  // "<!--" ... "-->", where "--" may appear only at the end.
  Step Comment(size_t p, size_t* next) {
    if (end_ - p < 4) return Step::kNeedMore;
    if (std::memcmp(buf_.data() + p, "<!--", 4) != 0) return Step::kNotPlain;  // DOCTYPE, CDATA
    for (size_t i = p + 4; i < end_;) {
      const unsigned char c = At(i);
      if (c == '-') {
        if (i + 2 >= end_) return Step::kNeedMore;
        if (At(i + 1) == '-') {
          if (At(i + 2) != '>') return Step::kNotPlain;
          *next = i + 3;
          return Step::kOk;
        }
        ++i;
      } else if (c < 0x80) {
        if (c < 0x20 && !IsSpace(c)) return Step::kNotPlain;
        ++i;
      } else {
        const int n = Utf8Char(Bytes(i), Bytes(end_));
        if (n == 0) return Step::kNotPlain;
        if (n < 0) return Step::kNeedMore;
        i += n;
      }
    }
    return Step::kNeedMore;
  }

  // Only the XML declaration, and only at the very start; other processing instructions are
  // left to expat.
  Step Declaration(size_t p, size_t* next) {
    if (!at_document_start_) return Step::kNotPlain;
    const std::string_view rest(buf_.data() + p, end_ - p);
    const size_t close = rest.find("?>");
    if (close == std::string_view::npos) return Step::kNeedMore;
    const std::string_view body = rest.substr(0, close);
    if (body.size() < 5 || body.substr(0, 5) != "<?xml" || !IsPlainDeclaration(body.substr(5))) {
      return Step::kNotPlain;
    }
    *next = p + close + 2;
    return Step::kOk;
  }

  Step Name(size_t p, size_t* end) const {
    if (p >= end_) return Step::kNeedMore;
    if (!IsNameStart(At(p))) return Step::kNotPlain;
    ++p;
    while (p < end_ && IsNameChar(At(p))) ++p;
    if (p >= end_) return Step::kNeedMore;
    *end = p;
    return Step::kOk;
  }

  Step SkipSpace(size_t* p) const {
    while (*p < end_ && IsSpace(At(*p))) ++*p;
    return *p < end_ ? Step::kOk : Step::kNeedMore;
  }

  Step EndTag(size_t p, size_t* next) {
    size_t i = p + 2;
    size_t name_end = 0;
    if (Step s = Name(i, &name_end); s != Step::kOk) return s;
    const std::string_view name(buf_.data() + i, name_end - i);
    i = name_end;
    if (Step s = SkipSpace(&i); s != Step::kOk) return s;
    if (At(i) != '>' || open_.empty() || open_.back() != name) return Step::kNotPlain;
    *next = i + 1;
    cb_.end(cb_.data, open_.back().c_str());
    open_.pop_back();
    root_closed_ = open_.empty();
    return Step::kOk;
  }

  Step StartTag(size_t p, size_t* next) {
    if (root_closed_) return Step::kNotPlain;  // a second root
    size_t i = p + 1;
    size_t name_end = 0;
    if (Step s = Name(i, &name_end); s != Step::kOk) return s;
    strings_.assign(buf_.data() + i, name_end - i);
    strings_.push_back('\0');
    starts_.assign(1, 0);
    i = name_end;
    bool empty_element = false;
    for (;;) {
      const size_t before_space = i;
      if (Step s = SkipSpace(&i); s != Step::kOk) return s;
      const unsigned char c = At(i);
      if (c == '>') {
        ++i;
        break;
      }
      if (c == '/') {
        if (i + 1 >= end_) return Step::kNeedMore;
        if (At(i + 1) != '>') return Step::kNotPlain;
        i += 2;
        empty_element = true;
        break;
      }
      if (i == before_space) return Step::kNotPlain;  // attributes are separated by space
      if (Step s = Name(i, &name_end); s != Step::kOk) return s;
      starts_.push_back(strings_.size());
      strings_.append(buf_.data() + i, name_end - i);
      strings_.push_back('\0');
      i = name_end;
      if (Step s = SkipSpace(&i); s != Step::kOk) return s;
      if (At(i) != '=') return Step::kNotPlain;
      ++i;
      if (Step s = SkipSpace(&i); s != Step::kOk) return s;
      const unsigned char quote = At(i);
      if (quote != '"' && quote != '\'') return Step::kNotPlain;
      starts_.push_back(strings_.size());
      if (Step s = AttributeValue(i + 1, quote, &i); s != Step::kOk) return s;
    }
    // An attribute named twice is not well-formed.
    for (size_t a = 1; a < starts_.size(); a += 2) {
      for (size_t b = a + 2; b < starts_.size(); b += 2) {
        if (std::strcmp(strings_.data() + starts_[a], strings_.data() + starts_[b]) == 0) {
          return Step::kNotPlain;
        }
      }
    }
    *next = i;
    atts_.clear();
    for (size_t k = 1; k < starts_.size(); ++k) atts_.push_back(strings_.data() + starts_[k]);
    atts_.push_back(nullptr);
    cb_.start(cb_.data, strings_.data(), atts_.data());
    if (empty_element) {
      cb_.end(cb_.data, strings_.data());
      root_closed_ = open_.empty();
    } else {
      open_.emplace_back(strings_.data());
    }
    return Step::kOk;
  }

  // The value from `p` to the closing `quote`, decoded and normalized, appended to strings_
  // with its NUL; `next` is just past the quote.
  Step AttributeValue(size_t p, unsigned char quote, size_t* next) {
    for (;;) {
      size_t run = p;
      while (run < end_) {
        const unsigned char c = At(run);
        if (c == quote || c == '&' || c == '<' || c < 0x20 || c >= 0x80) break;
        ++run;
      }
      strings_.append(buf_.data() + p, run - p);
      p = run;
      if (p >= end_) return Step::kNeedMore;
      const unsigned char c = At(p);
      if (c == quote) {
        strings_.push_back('\0');
        *next = p + 1;
        return Step::kOk;
      }
      if (c == '<') return Step::kNotPlain;
      if (c == '&') {
        if (Step s = Reference(p, &p); s != Step::kOk) return s;
      } else if (c == '\t' || c == '\n') {
        strings_.push_back(' ');
        ++p;
      } else if (c == '\r') {
        if (p + 1 >= end_) return Step::kNeedMore;
        strings_.push_back(' ');
        p += At(p + 1) == '\n' ? 2 : 1;
      } else if (c < 0x20) {
        return Step::kNotPlain;
      } else {
        const int n = Utf8Char(Bytes(p), Bytes(end_));
        if (n == 0) return Step::kNotPlain;
        if (n < 0) return Step::kNeedMore;
        strings_.append(buf_.data() + p, n);
        p += n;
      }
    }
  }

  // "&name;" for the five predefined entities, "&#digits;" and "&#xhex;" for any XML Char;
  // appended to strings_ (a character reference is not normalized: "&#9;" stays a tab).
  Step Reference(size_t p, size_t* next) {
    size_t semicolon = p + 1;
    while (semicolon < end_ && At(semicolon) != ';' && semicolon - p <= kMaxReference) {
      ++semicolon;
    }
    if (semicolon - p > kMaxReference) return Step::kNotPlain;
    if (semicolon >= end_) return Step::kNeedMore;
    const std::string_view ref(buf_.data() + p + 1, semicolon - p - 1);
    *next = semicolon + 1;
    if (ref == "lt") {
      strings_.push_back('<');
    } else if (ref == "gt") {
      strings_.push_back('>');
    } else if (ref == "amp") {
      strings_.push_back('&');
    } else if (ref == "quot") {
      strings_.push_back('"');
    } else if (ref == "apos") {
      strings_.push_back('\'');
    } else if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty() || digits.size() > 8) return Step::kNotPlain;
      uint32_t cp = 0;
      for (char d : digits) {
        uint32_t v = 0;
        if (d >= '0' && d <= '9') {
          v = d - '0';
        } else if (hex && (d | 0x20) >= 'a' && (d | 0x20) <= 'f') {
          v = (d | 0x20) - 'a' + 10;
        } else {
          return Step::kNotPlain;
        }
        cp = cp * (hex ? 16 : 10) + v;
        if (cp > 0x10FFFF) return Step::kNotPlain;
      }
      if (!IsXmlChar(cp)) return Step::kNotPlain;
      AppendUtf8(cp, &strings_);
    } else {
      return Step::kNotPlain;  // an entity only a DTD could declare
    }
    return Step::kOk;
  }

  GzipReader& input_;
  const XmlCallbacks& cb_;
  const size_t block_bytes_;
  std::string buf_;  // unread input is [pos_, end_)
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool at_document_start_ = true;
  bool root_closed_ = false;
  std::vector<std::string> open_;  // names of the open elements, outermost first
  // One tag's strings, each NUL-terminated: the element name, then attribute names and
  // values in turn; starts_ indexes them and atts_ points at them for the callback.
  std::string strings_;
  std::vector<size_t> starts_;
  std::vector<const char*> atts_;
};

}  // namespace

Result<ScanOutcome> ScanPlainXml(GzipReader& input, const XmlCallbacks& callbacks,
                                 size_t block_bytes) {
  Scanner scanner(input, callbacks, block_bytes);
  return scanner.Run();
}

}  // namespace tl::tools::import
