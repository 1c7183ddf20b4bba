#include "mail/outbound_message.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "mail/internal/gmime_support.h"
#include "mail/internal/text.h"

namespace tl::mail {
namespace {

using internal::CleanLine;
using internal::GObjectPtr;

// RFC 5322 atext.
bool IsAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr && c != '\0';
}

// dot-atom-text: atext runs joined by single dots.
bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!IsAtext(s[i])) {
      return false;
    }
  }
  return true;
}

// "local@domain" with both sides dot-atoms, at most 254 characters: an addr-spec without quoted
// local parts or domain literals (which the desk never needs), and the msg-id form every mailer
// writes.
bool IsPlainAddrSpec(std::string_view s) {
  if (s.size() > 254) return false;  // RFC 5321 4.5.3.1.3; also keeps every header line short
  const size_t at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  return IsDotAtom(s.substr(0, at)) && IsDotAtom(s.substr(at + 1));
}

Status CheckMailbox(const Mailbox& mb, std::string_view field) {
  if (!IsPlainAddrSpec(mb.address)) {
    return Status::BadField(std::string(field) + ": not an addr-spec: \"" +
                            CleanLine(mb.address).substr(0, 100) + "\"");
  }
  if (!internal::IsValidUtf8(mb.display_name)) {
    return Status::BadField(std::string(field) + ": display name is not UTF-8");
  }
  return Status::Ok();
}

Status CheckMessageId(std::string_view id, std::string_view field) {
  if (!IsPlainAddrSpec(id)) {
    return Status::BadField(std::string(field) + ": not a msg-id: \"" +
                            CleanLine(id).substr(0, 100) + "\"");
  }
  return Status::Ok();
}

Status Check(const OutboundMessage& m) {
  TL_RETURN_IF_ERROR(CheckMailbox(m.from, "from"));
  if (m.to.empty()) return Status::MissingField("to: no recipient");
  for (const Mailbox& mb : m.to) TL_RETURN_IF_ERROR(CheckMailbox(mb, "to"));
  for (const Mailbox& mb : m.cc) TL_RETURN_IF_ERROR(CheckMailbox(mb, "cc"));
  for (const Mailbox& mb : m.reply_to) TL_RETURN_IF_ERROR(CheckMailbox(mb, "reply_to"));
  if (m.message_id.empty()) return Status::MissingField("message_id: required");
  TL_RETURN_IF_ERROR(CheckMessageId(m.message_id, "message_id"));
  if (!m.in_reply_to.empty()) TL_RETURN_IF_ERROR(CheckMessageId(m.in_reply_to, "in_reply_to"));
  for (const std::string& id : m.references) TL_RETURN_IF_ERROR(CheckMessageId(id, "references"));
  if (!m.x_loop.empty() && !IsPlainAddrSpec(m.x_loop)) {
    return Status::BadField("x_loop: not an addr-spec");
  }
  if (!internal::IsValidUtf8(m.subject)) return Status::BadField("subject: not UTF-8");
  if (!internal::IsValidUtf8(m.body)) return Status::BadField("body: not UTF-8");
  if (m.body.find('\0') != std::string::npos) return Status::BadField("body: contains NUL");
  return Status::Ok();
}

// "Thu, 04 Dec 2025 22:13:00 +0000" (RFC 5322 section 3.3).
std::string FormatDate(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> tod(t - day);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday(day).c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()));
  return buf;
}

// Body text with '\n' line ends (GMime writes them as CRLF).
std::string UnixLines(std::string_view body) {
  std::string out;
  out.reserve(body.size() + 1);
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r') {
      out += '\n';
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
    } else {
      out += body[i];
    }
  }
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

bool HasLongLine(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end - start > 998) return true;
    start = end + 1;
  }
  return false;
}

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Built with append: g++ 12 warns (-Wrestrict, a false positive, GCC bug 105329) on
// "<" + std::string(...).
std::string Bracketed(std::string_view id) {
  std::string out = "<";
  out.append(id);
  out += '>';
  return out;
}

// Some text is encoded by us, whole, because GMime 3.2.13 gets it wrong (both found by the
// fuzzer): a literal "=?" it writes as it is, so a reader decodes what merely looks like an
// encoded word, and its folding can then break a line inside one of its own words; and in Q
// encoded words it leaves '=' unescaped, so "=C3=98" written as text reads back as "Ø". Ours is
// one UTF-8 B word per line, each holding whole characters (RFC 2047 section 5), as a raw
// header value: " word\n word\n".
bool NeedsOwnEncoding(std::string_view text) {
  if (text.find("=?") != std::string_view::npos) return true;
  const bool ascii = std::all_of(text.begin(), text.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return !ascii && text.find_first_of("=?_") != std::string_view::npos;
}

std::string EncodedWords(std::string_view utf8, std::string_view separator) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  constexpr size_t kMaxBytes = 45;  // 60 base64 characters: a 72-character word
  std::string out;
  size_t pos = 0;
  while (pos < utf8.size()) {
    size_t end = std::min(utf8.size(), pos + kMaxBytes);
    // Back up to a character boundary (UTF-8 continuation bytes are 10xxxxxx).
    while (end < utf8.size() && end > pos + 1 && (static_cast<uint8_t>(utf8[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += separator;
    out += "=?UTF-8?B?";
    for (size_t i = pos; i < end; i += 3) {
      uint32_t n = static_cast<uint8_t>(utf8[i]) << 16;
      if (i + 1 < end) n |= static_cast<uint8_t>(utf8[i + 1]) << 8;
      if (i + 2 < end) n |= static_cast<uint8_t>(utf8[i + 2]);
      out += kAlphabet[(n >> 18) & 63];
      out += kAlphabet[(n >> 12) & 63];
      out += i + 1 < end ? kAlphabet[(n >> 6) & 63] : '=';
      out += i + 2 < end ? kAlphabet[n & 63] : '=';
    }
    out += "?=";
    pos = end;
  }
  return out;
}

void SetRawHeader(GMimeObject* obj, const char* name, const std::string& raw_value) {
  GMimeHeaderList* headers = g_mime_object_get_header_list(obj);       // borrowed from obj
  GMimeHeader* header = g_mime_header_list_get_header(headers, name);  // borrowed from headers
  if (header != nullptr) g_mime_header_set_raw_value(header, raw_value.c_str());
}

void AddMailboxes(GMimeMessage* msg, GMimeAddressType type, const char* header_name,
                  const std::vector<Mailbox>& list) {
  InternetAddressList* header = g_mime_message_get_addresses(msg, type);  // borrowed from msg
  bool own = false;
  for (const Mailbox& mb : list) {
    const std::string name = CleanLine(mb.display_name);
    own = own || NeedsOwnEncoding(name);
    GObjectPtr<InternetAddress> ia(internet_address_mailbox_new(name.c_str(), mb.address.c_str()));
    internet_address_set_charset(ia.get(), "utf-8");
    internet_address_list_add(header, ia.get());  // takes its own reference
  }
  if (!own) return;
  std::string raw;
  for (const Mailbox& mb : list) {
    raw += raw.empty() ? " " : ",\n ";
    const std::string name = CleanLine(mb.display_name);
    if (!name.empty()) {
      raw += EncodedWords(name, "\n ");
      raw += "\n ";
    }
    raw += Bracketed(mb.address);
  }
  raw += '\n';
  SetRawHeader(GMIME_OBJECT(msg), header_name, raw);
}

// The reply-prefix run at the start of a subject ("Re: SV: "), as written.
size_t ReplyPrefixLength(std::string_view subject) {
  static constexpr std::string_view kPrefixes[] = {"re", "sv", "aw", "fwd", "fw", "vs", "tr"};
  size_t pos = 0;
  for (;;) {
    size_t p = pos;
    while (p < subject.size() && subject[p] == ' ') ++p;
    bool matched = false;
    for (std::string_view prefix : kPrefixes) {
      if (subject.size() >= p + prefix.size() + 1 &&
          internal::EqualsIgnoreCase(subject.substr(p, prefix.size()), prefix) &&
          subject[p + prefix.size()] == ':') {
        p += prefix.size() + 1;
        while (p < subject.size() && subject[p] == ' ') ++p;
        matched = true;
        break;
      }
    }
    if (!matched) return pos;
    pos = p;
  }
}

}  // namespace

Result<std::string> ComposeMessage(const OutboundMessage& m) {
  TL_RETURN_IF_ERROR(Check(m));
  internal::EnsureGMimeInitialized();

  GObjectPtr<GMimeMessage> message(g_mime_message_new(FALSE));
  GMimeMessage* msg = message.get();
  GMimeObject* obj = GMIME_OBJECT(msg);
  // Headers in the order a reader expects them; each call appends.
  AddMailboxes(msg, GMIME_ADDRESS_TYPE_FROM, "From", {m.from});
  AddMailboxes(msg, GMIME_ADDRESS_TYPE_TO, "To", m.to);
  if (!m.cc.empty()) AddMailboxes(msg, GMIME_ADDRESS_TYPE_CC, "Cc", m.cc);
  if (!m.reply_to.empty()) AddMailboxes(msg, GMIME_ADDRESS_TYPE_REPLY_TO, "Reply-To", m.reply_to);
  const std::string subject = CleanLine(m.subject);
  g_mime_message_set_subject(msg, subject.c_str(), "utf-8");
  if (NeedsOwnEncoding(subject)) {
    std::string raw = " ";
    raw += EncodedWords(subject, "\n ");
    raw += '\n';
    SetRawHeader(obj, "Subject", raw);
  }
  g_mime_object_append_header(obj, "Date", FormatDate(m.date).c_str(), nullptr);
  g_mime_message_set_message_id(msg, m.message_id.c_str());
  if (!m.in_reply_to.empty()) {
    g_mime_object_append_header(obj, "In-Reply-To", Bracketed(m.in_reply_to).c_str(), nullptr);
  }
  if (!m.references.empty()) {
    std::string refs;
    for (const std::string& id : m.references) {
      if (!refs.empty()) refs += ' ';
      refs += Bracketed(id);
    }
    g_mime_object_append_header(obj, "References", refs.c_str(), nullptr);
  }
  if (m.auto_submitted != AutoSubmitted::kNo) {
    g_mime_object_append_header(
        obj, "Auto-Submitted",
        m.auto_submitted == AutoSubmitted::kAutoReplied ? "auto-replied" : "auto-generated",
        nullptr);
    g_mime_object_append_header(obj, "X-Auto-Response-Suppress", "All", nullptr);
  }
  if (!m.x_loop.empty()) g_mime_object_append_header(obj, "X-Loop", m.x_loop.c_str(), nullptr);
  g_mime_object_append_header(obj, "MIME-Version", "1.0", nullptr);

  // The body part is built by hand: g_mime_text_part_set_text would pick iso-8859-1 for
  // Norwegian text, and we promise charset=utf-8.
  const std::string text = UnixLines(m.body);
  GMimeContentEncoding encoding = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
  if (m.encoding == BodyEncoding::k8Bit && !HasLongLine(text)) {
    encoding = IsAscii(text) ? GMIME_CONTENT_ENCODING_7BIT : GMIME_CONTENT_ENCODING_8BIT;
  }
  GObjectPtr<GMimePart> part(g_mime_part_new_with_type("text", "plain"));
  g_mime_object_set_content_type_parameter(GMIME_OBJECT(part.get()), "charset", "utf-8");
  GObjectPtr<GMimeStream> content(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
  GObjectPtr<GMimeDataWrapper> wrapper(
      g_mime_data_wrapper_new_with_stream(content.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part.get(), wrapper.get());
  g_mime_part_set_content_encoding(part.get(), encoding);
  g_mime_message_set_mime_part(msg, GMIME_OBJECT(part.get()));

  internal::FormatOptionsPtr format(g_mime_format_options_new());
  g_mime_format_options_set_newline_format(format.get(), GMIME_NEWLINE_FORMAT_DOS);
  GObjectPtr<GMimeStream> out(g_mime_stream_mem_new());
  if (g_mime_object_write_to_stream(obj, format.get(), out.get()) < 0) {
    return Status::Internal("GMime could not write the message");
  }
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

ThreadHeaders ReplyThreadHeaders(std::string_view parent_message_id,
                                 const std::vector<std::string>& parent_references,
                                 std::string_view parent_in_reply_to) {
  ThreadHeaders t;
  t.in_reply_to = std::string(parent_message_id);
  std::vector<std::string> chain = parent_references;
  if (chain.empty() && !parent_in_reply_to.empty()) chain.emplace_back(parent_in_reply_to);
  if (!parent_message_id.empty()) chain.emplace_back(parent_message_id);
  constexpr size_t kMax = 20;
  if (chain.size() > kMax) {
    // The thread's root and the most recent ids: what threading clients use.
    std::vector<std::string> kept;
    kept.push_back(chain.front());
    kept.insert(kept.end(), chain.end() - (kMax - 1), chain.end());
    chain = std::move(kept);
  }
  t.references = std::move(chain);
  return t;
}

Result<std::string> MakeMessageId(std::string_view unique, std::string_view domain) {
  std::string id = "tl." + std::string(unique) + "@" + std::string(domain);
  TL_RETURN_IF_ERROR(CheckMessageId(id, "message_id"));
  return id;
}

std::string TicketTag(std::string_view origin, TicketNumber ticket) {
  std::string tag = "[";
  tag.append(origin);
  tag += " #";
  tag += std::to_string(ticket);
  tag += ']';
  return tag;
}

std::string TaggedSubject(std::string_view origin, TicketNumber ticket, std::string_view subject) {
  const std::string clean = CleanLine(subject);
  if (FindTicketTag(clean, origin) == ticket) return clean;
  const size_t prefix = ReplyPrefixLength(clean);
  std::string out = clean.substr(0, prefix) + TicketTag(origin, ticket);
  if (prefix < clean.size()) {
    out += ' ';
    out.append(clean, prefix);
  }
  return out;
}

MailText AcknowledgementText(std::string_view origin, TicketNumber ticket,
                             std::string_view original_subject) {
  const std::string tag = TicketTag(origin, ticket);
  MailText t;
  t.subject = TaggedSubject(origin, ticket, original_subject);
  t.body =
      "Hei,\n"
      "\n"
      "takk for henvendelsen. Vi har registrert den med saksnummer " +
      tag +
      ".\n"
      "Svar på denne e-posten hvis du vil legge til noe, og behold saksnummeret\n"
      "i emnefeltet. Dette svaret er sendt automatisk.\n"
      "\n"
      "Hello,\n"
      "\n"
      "thank you for your request. We have registered it as ticket " +
      tag +
      ".\n"
      "Reply to this e-mail to add anything, and keep the ticket number in the\n"
      "subject. This answer was sent automatically.\n";
  return t;
}

MailText ReplyText(std::string_view origin, TicketNumber ticket, std::string_view subject,
                   std::string_view agent_body) {
  const std::string clean = CleanLine(subject);
  MailText t;
  t.subject = "Re: " + TaggedSubject(origin, ticket, clean.substr(ReplyPrefixLength(clean)));
  t.body = std::string(agent_body);
  return t;
}

MailText FeedbackInvitationText(std::string_view origin, TicketNumber ticket,
                                std::string_view subject, std::string_view feedback_url) {
  const std::string tag = TicketTag(origin, ticket);
  const std::string clean = CleanLine(subject);
  const std::string base = clean.substr(ReplyPrefixLength(clean));
  MailText t;
  t.subject = TaggedSubject(origin, ticket, "Tilbakemelding / Feedback: " + base);
  const std::string url(CleanLine(feedback_url));
  t.body =
      "Hei,\n"
      "\n"
      "saken din " +
      tag +
      " er løst. Vi vil gjerne vite hvordan du opplevde\n"
      "hjelpen du fikk. Det tar under ett minutt:\n"
      "\n" +
      url +
      "\n"
      "\n"
      "Hello,\n"
      "\n"
      "your ticket " +
      tag +
      " has been resolved. We would like to know how you\n"
      "found the help you got. It takes less than a minute:\n"
      "\n" +
      url + "\n";
  return t;
}

}  // namespace tl::mail
