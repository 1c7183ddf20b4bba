#include "mail/html_text.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "mail/internal/text.h"

namespace tl::mail {
namespace {

using internal::EqualsIgnoreCase;

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The named character references that mail uses: the markup ones, Latin-1 (Nordic letters
// first among them), typographic punctuation and a few symbols. Names are case-sensitive.
const std::unordered_map<std::string_view, uint32_t>& NamedEntities() {
  static const auto* const kMap = new std::unordered_map<std::string_view, uint32_t>{
      {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
      {"apos", '\''},     {"nbsp", ' '},      {"aring", 0xE5},    {"Aring", 0xC5},
      {"oslash", 0xF8},   {"Oslash", 0xD8},   {"aelig", 0xE6},    {"AElig", 0xC6},
      {"auml", 0xE4},     {"Auml", 0xC4},     {"ouml", 0xF6},     {"Ouml", 0xD6},
      {"uuml", 0xFC},     {"Uuml", 0xDC},     {"szlig", 0xDF},    {"eacute", 0xE9},
      {"Eacute", 0xC9},   {"egrave", 0xE8},   {"Egrave", 0xC8},   {"ecirc", 0xEA},
      {"euml", 0xEB},     {"aacute", 0xE1},   {"Aacute", 0xC1},   {"agrave", 0xE0},
      {"Agrave", 0xC0},   {"acirc", 0xE2},    {"atilde", 0xE3},   {"ccedil", 0xE7},
      {"Ccedil", 0xC7},   {"iacute", 0xED},   {"igrave", 0xEC},   {"icirc", 0xEE},
      {"iuml", 0xEF},     {"ntilde", 0xF1},   {"Ntilde", 0xD1},   {"oacute", 0xF3},
      {"Oacute", 0xD3},   {"ograve", 0xF2},   {"ocirc", 0xF4},    {"otilde", 0xF5},
      {"uacute", 0xFA},   {"ugrave", 0xF9},   {"ucirc", 0xFB},    {"yacute", 0xFD},
      {"yuml", 0xFF},     {"eth", 0xF0},      {"ETH", 0xD0},      {"thorn", 0xFE},
      {"THORN", 0xDE},    {"copy", 0xA9},     {"reg", 0xAE},      {"trade", 0x2122},
      {"deg", 0xB0},      {"plusmn", 0xB1},   {"micro", 0xB5},    {"para", 0xB6},
      {"middot", 0xB7},   {"sect", 0xA7},     {"laquo", 0xAB},    {"raquo", 0xBB},
      {"iexcl", 0xA1},    {"iquest", 0xBF},   {"cent", 0xA2},     {"pound", 0xA3},
      {"yen", 0xA5},      {"euro", 0x20AC},   {"curren", 0xA4},   {"times", 0xD7},
      {"divide", 0xF7},   {"frac12", 0xBD},   {"frac14", 0xBC},   {"frac34", 0xBE},
      {"sup1", 0xB9},     {"sup2", 0xB2},     {"sup3", 0xB3},     {"shy", 0xAD},
      {"ordf", 0xAA},     {"ordm", 0xBA},     {"not", 0xAC},      {"macr", 0xAF},
      {"acute", 0xB4},    {"cedil", 0xB8},    {"uml", 0xA8},      {"brvbar", 0xA6},
      {"ndash", 0x2013},  {"mdash", 0x2014},  {"lsquo", 0x2018},  {"rsquo", 0x2019},
      {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"bdquo", 0x201E},
      {"hellip", 0x2026}, {"bull", 0x2022},   {"dagger", 0x2020}, {"Dagger", 0x2021},
      {"permil", 0x2030}, {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"prime", 0x2032},
      {"ensp", ' '},      {"emsp", ' '},      {"thinsp", ' '},    {"zwnj", 0x200C},
      {"zwj", 0x200D},    {"larr", 0x2190},   {"rarr", 0x2192},   {"uarr", 0x2191},
      {"darr", 0x2193},   {"harr", 0x2194},   {"check", 0x2713},  {"hearts", 0x2665},
  };
  return *kMap;
}

// Decodes the character reference at `s` (which starts with '&'). Returns the number of bytes
// it spans and sets *cp, or returns 0 when `s` does not start with a reference we know.
size_t DecodeEntity(std::string_view s, uint32_t* cp) {
  if (s.size() < 3) return 0;
  if (s[1] == '#') {
    size_t i = 2;
    const bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    if (hex) ++i;
    const size_t digits_begin = i;
    uint32_t value = 0;
    while (i < s.size() && i - digits_begin < 8) {
      const char c = s[i];
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        d = static_cast<uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        d = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        break;
      }
      value = value * (hex ? 16 : 10) + d;
      ++i;
    }
    if (i == digits_begin) return 0;
    if (i < s.size() && s[i] == ';') ++i;
    *cp = value;
    return i;
  }
  size_t i = 1;
  while (i < s.size() && i <= 10 &&
         ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
          (s[i] >= '0' && s[i] <= '9'))) {
    ++i;
  }
  if (i == 1) return 0;
  const auto& map = NamedEntities();
  const auto it = map.find(s.substr(1, i - 1));
  if (it == map.end()) return 0;
  *cp = it->second;
  if (i < s.size() && s[i] == ';') ++i;
  return i;
}

// Decodes the character references of an attribute value.
std::string DecodeEntities(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    const size_t n = s[i] == '&' ? DecodeEntity(s.substr(i), &cp) : 0;
    if (n > 0) {
      AppendUtf8(out, cp);
      i += n;
    } else {
      out += s[i++];
    }
  }
  return out;
}

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// How an element breaks the text around it.
enum class Block { kInline, kLine, kParagraph };

Block BlockOf(std::string_view name) {
  static constexpr std::string_view kParagraph[] = {
      "p",  "h1", "h2",    "h3",  "h4", "h5", "h6",     "blockquote",
      "ul", "ol", "table", "pre", "hr", "dl", "figure", "address"};
  static constexpr std::string_view kLine[] = {
      "div",    "tr",     "li",      "dt",      "dd",   "section",  "article", "header",
      "footer", "nav",    "aside",   "main",    "form", "fieldset", "caption", "center",
      "option", "legend", "details", "summary", "body", "html",     "tbody",   "thead"};
  for (auto b : kParagraph) {
    if (name == b) return Block::kParagraph;
  }
  for (auto b : kLine) {
    if (name == b) return Block::kLine;
  }
  return Block::kInline;
}

// Elements whose content is never shown.
bool IsHidden(std::string_view name) {
  return name == "script" || name == "style" || name == "head" || name == "title" ||
         name == "template";
}

// Builds the text: breaks and spaces are requested and only written before the next visible
// character, so that runs of markup never leave runs of blank lines.
class TextBuilder {
 public:
  void RequestBreaks(int n) { breaks_ = std::max(breaks_, std::min(n, 2)); }
  void ForcedBreak() { breaks_ = std::min(breaks_ + 1, 2); }
  void RequestSpace() { space_ = true; }
  void SetPrefix(std::string prefix) { prefix_ = std::move(prefix); }

  // A character that shows; `text` is one UTF-8 character or a short run of them.
  void Visible(std::string_view text) {
    if (breaks_ > 0 && !out_.empty()) {
      while (!out_.empty() && out_.back() == ' ') out_.pop_back();
      int have = 0;
      for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n' && have < 2; ++it) ++have;
      for (int i = have; i < breaks_; ++i) out_ += '\n';
    } else if (space_ && !out_.empty() && out_.back() != ' ' && out_.back() != '\n') {
      out_ += ' ';
    }
    breaks_ = 0;
    space_ = false;
    if (!prefix_.empty()) {
      out_ += prefix_;
      prefix_.clear();
    }
    out_ += text;
  }
  // Inside <pre>: a line break that is written at once.
  void PreNewline() {
    if (breaks_ > 0) Visible("");
    out_ += '\n';
  }

  size_t size() const { return out_.size(); }
  std::string_view Since(size_t pos) const { return std::string_view(out_).substr(pos); }
  std::string Finish() { return internal::CleanBody(out_); }

 private:
  std::string out_;
  int breaks_ = 0;
  bool space_ = false;
  std::string prefix_;
};

struct Tag {
  std::string name;  // lower case; empty for something that is not a tag
  bool closing = false;
  bool self_closing = false;
  std::string href;  // <a href>, decoded
  size_t end = 0;    // index just after '>'
};

// Parses the tag starting at html[pos] == '<'. Attribute values may be quoted; a quote that
// never closes runs to the end of the input, as in a browser.
Tag ParseTag(std::string_view html, size_t pos) {
  Tag tag;
  size_t i = pos + 1;
  if (i < html.size() && html[i] == '/') {
    tag.closing = true;
    ++i;
  }
  const size_t name_begin = i;
  while (i < html.size() && (IsAsciiAlpha(html[i]) || (html[i] >= '0' && html[i] <= '9') ||
                             html[i] == ':' || html[i] == '-')) {
    ++i;
  }
  tag.name = internal::AsciiLower(html.substr(name_begin, i - name_begin));
  while (i < html.size() && html[i] != '>') {
    if (IsHtmlSpace(html[i]) || html[i] == '/') {
      if (html[i] == '/') tag.self_closing = true;
      ++i;
      continue;
    }
    tag.self_closing = false;
    const size_t attr_begin = i;
    while (i < html.size() && !IsHtmlSpace(html[i]) && html[i] != '=' && html[i] != '>' &&
           html[i] != '/') {
      ++i;
    }
    const std::string_view attr = html.substr(attr_begin, i - attr_begin);
    while (i < html.size() && IsHtmlSpace(html[i])) ++i;
    if (i >= html.size() || html[i] != '=') continue;
    ++i;
    while (i < html.size() && IsHtmlSpace(html[i])) ++i;
    std::string_view value;
    if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
      const char quote = html[i++];
      const size_t close = html.find(quote, i);
      const size_t value_end = close == std::string_view::npos ? html.size() : close;
      value = html.substr(i, value_end - i);
      i = close == std::string_view::npos ? html.size() : close + 1;
    } else {
      const size_t value_begin = i;
      while (i < html.size() && !IsHtmlSpace(html[i]) && html[i] != '>') ++i;
      value = html.substr(value_begin, i - value_begin);
    }
    if (tag.name == "a" && EqualsIgnoreCase(attr, "href")) {
      tag.href = std::string(internal::TrimWhitespace(DecodeEntities(value)));
    }
  }
  tag.end = i < html.size() ? i + 1 : html.size();
  return tag;
}

// Finds "</name" (any case, not "</name-more") from `pos`; npos when absent.
size_t FindClosing(std::string_view html, size_t pos, std::string_view name) {
  for (size_t i = html.find("</", pos); i != std::string_view::npos; i = html.find("</", i + 2)) {
    const size_t after = i + 2 + name.size();
    if (after <= html.size() && EqualsIgnoreCase(html.substr(i + 2, name.size()), name) &&
        (after == html.size() || !(IsAsciiAlpha(html[after]) || html[after] == '-' ||
                                   (html[after] >= '0' && html[after] <= '9')))) {
      return i;
    }
  }
  return std::string_view::npos;
}

bool IsWebUrl(std::string_view url) {
  return (url.size() > 7 && EqualsIgnoreCase(url.substr(0, 7), "http://")) ||
         (url.size() > 8 && EqualsIgnoreCase(url.substr(0, 8), "https://"));
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  TextBuilder text;
  int pre_depth = 0;
  int list_depth = 0;
  bool cell_in_row = false;
  std::string link_href;
  size_t link_start = 0;
  std::vector<std::string> unclosed;  // hidden elements with no end tag after here
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      if (html.compare(i, 4, "<!--") == 0) {
        const size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      const char next = i + 1 < html.size() ? html[i + 1] : '\0';
      if (next == '!' || next == '?') {  // <!DOCTYPE>, <![CDATA[ ]]>, <?xml ?>
        const size_t end = html.find('>', i);
        i = end == std::string_view::npos ? html.size() : end + 1;
        continue;
      }
      if (!IsAsciiAlpha(next) && next != '/') {  // "a < b" is text
        text.Visible("<");
        ++i;
        continue;
      }
      Tag tag = ParseTag(html, i);
      i = tag.end;
      if (tag.name.empty()) continue;
      if (!tag.closing && !tag.self_closing && IsHidden(tag.name)) {
        // Skip to the matching end tag; one that never closes hides only its own tag. A name
        // whose end tag was not found is not searched for again: thousands of unclosed
        // <script> tags must not each scan the rest of the input.
        if (std::find(unclosed.begin(), unclosed.end(), tag.name) != unclosed.end()) continue;
        const size_t close = FindClosing(html, i, tag.name);
        if (close == std::string_view::npos) {
          unclosed.push_back(tag.name);
          continue;
        }
        const size_t gt = html.find('>', close);
        i = gt == std::string_view::npos ? html.size() : gt + 1;
        continue;
      }
      if (tag.name == "br") {
        if (pre_depth > 0) {
          text.PreNewline();
        } else {
          text.ForcedBreak();
        }
        continue;
      }
      if (tag.name == "pre") pre_depth = std::max(0, pre_depth + (tag.closing ? -1 : 1));
      if (tag.name == "ul" || tag.name == "ol") {
        list_depth = std::max(0, list_depth + (tag.closing ? -1 : 1));
      }
      if (tag.name == "tr") cell_in_row = false;
      if ((tag.name == "td" || tag.name == "th") && !tag.closing) {
        if (cell_in_row) text.RequestSpace();
        cell_in_row = true;
      }
      if (tag.name == "a") {
        if (!tag.closing) {
          link_href = tag.href;
          link_start = text.size();
        } else if (!link_href.empty()) {
          const std::string_view shown = internal::TrimWhitespace(text.Since(link_start));
          if (IsWebUrl(link_href) && !shown.empty() && shown.find(link_href) == std::string::npos) {
            text.Visible(" <" + link_href + ">");
          }
          link_href.clear();
        }
      }
      switch (BlockOf(tag.name)) {
        case Block::kParagraph:
          text.RequestBreaks(2);
          break;
        case Block::kLine:
          text.RequestBreaks(1);
          break;
        case Block::kInline:
          break;
      }
      if (tag.name == "li" && !tag.closing) {
        text.SetPrefix(std::string(static_cast<size_t>(std::max(0, list_depth - 1)) * 2, ' ') +
                       "- ");
      }
      continue;
    }
    if (c == '&') {
      uint32_t cp;
      const size_t n = DecodeEntity(html.substr(i), &cp);
      if (n > 0) {
        i += n;
        if (cp == ' ' && pre_depth == 0) {
          text.RequestSpace();
        } else {
          std::string utf8;
          AppendUtf8(utf8, cp);
          text.Visible(utf8);
        }
        continue;
      }
      text.Visible("&");
      ++i;
      continue;
    }
    if (IsHtmlSpace(c)) {
      if (pre_depth > 0) {
        if (c == '\n') {
          text.PreNewline();
        } else if (c != '\r') {
          text.Visible(c == '\t' ? "\t" : " ");
        }
      } else {
        text.RequestSpace();
      }
      ++i;
      continue;
    }
    // A run of ordinary characters (UTF-8 continuation bytes travel with their lead byte).
    size_t j = i + 1;
    while (j < html.size() && html[j] != '<' && html[j] != '&' && !IsHtmlSpace(html[j])) ++j;
    text.Visible(html.substr(i, j - i));
    i = j;
  }
  return text.Finish();
}

}  // namespace tl::mail
