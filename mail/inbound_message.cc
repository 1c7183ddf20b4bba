#include "mail/inbound_message.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <string>
#include <utility>

#include "mail/html_text.h"
#include "mail/internal/dsn.h"
#include "mail/internal/gmime_support.h"
#include "mail/internal/rfc2047.h"
#include "mail/internal/sha256.h"
#include "mail/internal/text.h"

namespace tl::mail {

bool DeliveryReport::HasFailure() const {
  return std::any_of(recipients.begin(), recipients.end(),
                     [](const DsnRecipient& r) { return r.action == "failed"; });
}

std::vector<std::string> DeliveryReport::FailedRecipients() const {
  std::vector<std::string> failed;
  for (const DsnRecipient& r : recipients) {
    if (r.action == "failed" && !r.final_recipient.empty()) failed.push_back(r.final_recipient);
  }
  return failed;
}

namespace {

using internal::AsciiLower;
using internal::CleanBody;
using internal::CleanLine;
using internal::EqualsIgnoreCase;
using internal::GObjectPtr;

// Our own bound on the MIME tree walk; GMime stops nesting at its own limit too.
constexpr int kMaxDepth = 32;
constexpr size_t kMaxWarnings = 32;
// MIME parts read per message. Real mail has a handful; a crafted 10 MiB message can have a
// million, and each costs us some microseconds, so past this bound they are not read.
constexpr int kMaxParts = 1000;
// Likewise for the lists a crafted message could make huge, which the caller would store or
// look up one by one: addresses per header kind, References (the root and the newest are
// kept), X-Loop headers.
constexpr size_t kMaxAddresses = 1000;
constexpr size_t kMaxReferences = 100;
constexpr size_t kMaxXLoop = 20;

// Warnings for InboundMessage::warnings, each said once (our own re-parsing of a header with
// GMime would otherwise repeat the parser's complaint about it).
class Warnings {
 public:
  void Add(const std::string& warning, const std::string& key = "") {
    const std::string& k = key.empty() ? warning : key;
    if (list_.size() >= kMaxWarnings || std::find(keys_.begin(), keys_.end(), k) != keys_.end()) {
      return;
    }
    keys_.push_back(k);
    list_.push_back(CleanLine(warning));
  }
  std::vector<std::string> Take() { return std::move(list_); }

 private:
  std::vector<std::string> list_;
  std::vector<std::string> keys_;
};

const char* ParserWarningText(GMimeParserWarning code) {
  switch (code) {
    case GMIME_WARN_DUPLICATED_HEADER:
      return "duplicated header";
    case GMIME_WARN_DUPLICATED_PARAMETER:
      return "duplicated parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER:
      return "8-bit header without RFC 2047 encoding";
    case GMIME_WARN_INVALID_CONTENT_TYPE:
      return "invalid Content-Type";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
      return "invalid RFC 2047 encoded word";
    case GMIME_WARN_MALFORMED_MULTIPART:
      return "malformed multipart";
    case GMIME_WARN_TRUNCATED_MESSAGE:
      return "truncated message";
    case GMIME_WARN_MALFORMED_MESSAGE:
      return "malformed message";
    case GMIME_CRIT_INVALID_HEADER_NAME:
      return "invalid header name";
    case GMIME_CRIT_CONFLICTING_HEADER:
      return "conflicting header";
    case GMIME_CRIT_CONFLICTING_PARAMETER:
      return "conflicting parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
      return "multipart without boundary";
    case GMIME_WARN_INVALID_PARAMETER:
      return "invalid parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST:
      return "invalid address list";
    case GMIME_CRIT_NESTING_OVERFLOW:
      return "MIME nesting too deep";
    case GMIME_WARN_PART_WITHOUT_CONTENT:
      return "part without content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
      return "part without headers or content";
  }
  return "parser warning";
}

void OnParserWarning(gint64 offset, GMimeParserWarning code, const gchar* item,
                     gpointer user_data) {
  auto* warnings = static_cast<Warnings*>(user_data);
  std::string text = ParserWarningText(code);
  if (item != nullptr && *item != '\0') {
    text += ": ";
    text += std::string_view(item).substr(0, 80);
  }
  const std::string key = text;
  if (offset >= 0) text += " (at byte " + std::to_string(offset) + ")";
  warnings->Add(text, key);
}

std::string Str(const char* s) { return s == nullptr ? std::string() : std::string(s); }

std::string Lower(const char* s) { return AsciiLower(Str(s)); }

// The lower-case type and subtype of a part ("text", "plain"); GMime defaults a part without
// Content-Type to text/plain.
std::pair<std::string, std::string> TypeOf(GMimeObject* object) {
  GMimeContentType* ct = g_mime_object_get_content_type(object);  // borrowed from object
  if (ct == nullptr) return {"text", "plain"};
  return {Lower(g_mime_content_type_get_media_type(ct)),
          Lower(g_mime_content_type_get_media_subtype(ct))};
}

// Feeds the content of `part`, its transfer encoding undone, to sink(std::string_view) in
// pieces. GMime's own decoder state is used so that a piece that decodes to nothing (a line of
// garbage in base64) never ends the content early.
template <typename Sink>
void ReadDecoded(GMimePart* part, Sink&& sink) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);  // borrowed from part
  if (content == nullptr) return;
  GMimeStream* stream = g_mime_data_wrapper_get_stream(content);  // borrowed from content
  if (stream == nullptr) return;
  GMimeEncoding state;
  g_mime_encoding_init_decode(&state, g_mime_data_wrapper_get_encoding(content));
  std::string in(64 * 1024, '\0');
  std::string out;
  g_mime_stream_reset(stream);
  for (;;) {
    const ssize_t n = g_mime_stream_read(stream, in.data(), in.size());
    if (n <= 0) break;
    out.resize(g_mime_encoding_outlen(&state, static_cast<size_t>(n)));
    const size_t m = g_mime_encoding_step(&state, in.data(), static_cast<size_t>(n), out.data());
    sink(std::string_view(out.data(), m));
  }
  g_mime_stream_reset(stream);
}

std::string DecodedBytes(GMimePart* part) {
  std::string bytes;
  ReadDecoded(part, [&](std::string_view piece) { bytes.append(piece); });
  return bytes;
}

// The text of a text/plain or text/html part as UTF-8 (HTML converted to text).
std::string PartText(GMimePart* part, bool html) {
  const std::string bytes = DecodedBytes(part);
  const std::string utf8 =
      internal::ToUtf8(bytes, Str(g_mime_object_get_content_type_parameter(
                                  reinterpret_cast<GMimeObject*>(part), "charset")));
  return html ? HtmlToText(utf8) : CleanBody(utf8);
}

void AddMailboxes(InternetAddressList* list, std::vector<Mailbox>* out, int depth = 0) {
  if (list == nullptr || depth > 4) return;
  const int n = internet_address_list_length(list);
  for (int i = 0; i < n && out->size() < kMaxAddresses; ++i) {
    InternetAddress* ia = internet_address_list_get_address(list, i);  // borrowed from list
    if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
      std::string addr = internal::NormalizeAddress(
          CleanLine(Str(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)))));
      if (addr.empty()) continue;
      out->push_back(Mailbox{std::move(addr), CleanLine(internal::RestoreLookalikes(
                                                  Str(internet_address_get_name(ia))))});
    } else if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      AddMailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out, depth + 1);
    }
  }
}

std::optional<std::chrono::sys_seconds> DateOf(GMimeMessage* message) {
  GDateTime* date = g_mime_message_get_date(message);  // borrowed from message
  if (date == nullptr) return std::nullopt;
  return std::chrono::sys_seconds(std::chrono::seconds(g_date_time_to_unix(date)));
}

// The Message-ID without angle brackets. GMime reads "<id> (comment)" well but makes an id of
// the first word of anything; a value without "<" is kept only when it is one token.
std::string MessageIdOf(GMimeMessage* message, Warnings* warnings) {
  const char* raw = g_mime_object_get_header(GMIME_OBJECT(message), "Message-ID");
  if (raw == nullptr) return "";
  const std::string value = CleanLine(raw);
  if (value.find('<') != std::string::npos) {
    const char* id = g_mime_message_get_message_id(message);  // borrowed from message
    if (id != nullptr && *id != '\0') return CleanLine(id);
  }
  std::string id = internal::StripAngleBrackets(value);
  if (id.empty() || id.find(' ') != std::string::npos) {
    if (warnings != nullptr) warnings->Add("unreadable Message-ID ignored: " + value.substr(0, 80));
    return "";
  }
  if (warnings != nullptr) warnings->Add("Message-ID without angle brackets: " + id.substr(0, 80));
  return id;
}

// The Message-IDs of a References or In-Reply-To value, in order.
std::vector<std::string> IdList(GMimeParserOptions* options, const char* value) {
  std::vector<std::string> ids;
  if (value == nullptr) return ids;
  internal::ReferencesPtr refs(g_mime_references_parse(options, value));
  if (refs != nullptr) {
    const int n = g_mime_references_length(refs.get());
    for (int i = 0; i < n; ++i) {
      std::string id = CleanLine(Str(g_mime_references_get_message_id(refs.get(), i)));
      if (!id.empty()) ids.push_back(std::move(id));
    }
  }
  if (ids.empty()) {  // no <...> at all: a bare id, as some broken mailers write
    std::string id = internal::StripAngleBrackets(value);
    if (!id.empty() && id.find(' ') == std::string::npos) ids.push_back(std::move(id));
  }
  return ids;
}

std::string HeaderValue(GMimeObject* object, const char* name) {
  return CleanLine(Str(g_mime_object_get_header(object, name)));
}

// The raw (undecoded, still folded) value of the first header `name`, or null.
const char* RawHeader(GMimeObject* object, const char* name) {
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);  // borrowed from object
  GMimeHeader* h = g_mime_header_list_get_header(headers, name);     // borrowed from headers
  return h == nullptr ? nullptr : g_mime_header_get_raw_value(h);
}

// Subject and the like, decoded by us (internal/rfc2047.h says why not by GMime).
std::string UnstructuredHeader(GMimeObject* object, const char* name) {
  const char* raw = RawHeader(object, name);
  return raw == nullptr ? std::string() : CleanLine(internal::DecodeUnstructured(raw));
}

// The mailboxes of every header `name` (To may be split over several), encoded words decoded
// by us and the rest parsed by GMime.
std::vector<Mailbox> AddressHeader(GMimeObject* object, GMimeParserOptions* options,
                                   const char* name, Warnings* warnings) {
  std::vector<Mailbox> out;
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);  // borrowed from object
  const int n = g_mime_header_list_get_count(headers);
  for (int i = 0; i < n; ++i) {
    if (out.size() >= kMaxAddresses) {
      if (warnings != nullptr) {
        warnings->Add(std::string("more than 1000 addresses in ") + name + "; the rest not read");
      }
      break;
    }
    GMimeHeader* h = g_mime_header_list_get_header_at(headers, i);  // borrowed from headers
    if (!EqualsIgnoreCase(Str(g_mime_header_get_name(h)), name)) continue;
    const std::string value = internal::ReplaceEncodedWords(Str(g_mime_header_get_raw_value(h)));
    GObjectPtr<InternetAddressList> list(internet_address_list_parse(options, value.c_str()));
    AddMailboxes(list.get(), &out);
  }
  return out;
}

// A part's file name: Content-Disposition's filename, else Content-Type's name (RFC 2231
// parameters decoded by GMime, RFC 2047 words in them by us); "" when neither is there.
std::string FilenameOf(GMimeObject* object, GMimeParserOptions* options) {
  if (const char* raw = RawHeader(object, "Content-Disposition")) {
    const std::string value = internal::ReplaceEncodedWords(raw);
    GObjectPtr<GMimeContentDisposition> d(g_mime_content_disposition_parse(options, value.c_str()));
    if (d) {
      std::string name = CleanLine(internal::RestoreLookalikes(
          Str(g_mime_content_disposition_get_parameter(d.get(), "filename"))));
      if (!name.empty()) return name;
    }
  }
  if (const char* raw = RawHeader(object, "Content-Type")) {
    const std::string value = internal::ReplaceEncodedWords(raw);
    GObjectPtr<GMimeContentType> t(g_mime_content_type_parse(options, value.c_str()));
    if (t) {
      return CleanLine(
          internal::RestoreLookalikes(Str(g_mime_content_type_get_parameter(t.get(), "name"))));
    }
  }
  return "";
}

std::vector<std::string> AllHeaderValues(GMimeObject* object, const char* name) {
  std::vector<std::string> values;
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);  // borrowed from object
  const int n = g_mime_header_list_get_count(headers);
  for (int i = 0; i < n; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(headers, i);  // borrowed from headers
    if (EqualsIgnoreCase(Str(g_mime_header_get_name(h)), name)) {
      values.push_back(CleanLine(Str(g_mime_header_get_value(h))));
    }
  }
  return values;
}

// What a walk over a MIME tree collects.
struct Collected {
  std::string body;
  BodySource source = BodySource::kNone;
  std::vector<Attachment> attachments;
  std::vector<ForwardedMessage> forwarded;
  // Only the top-level part of the outer message may make it a report.
  GMimeObject* report_candidate = nullptr;
  std::string report_type;
  std::optional<DeliveryReport> report;

  void AppendBody(std::string text, BodySource from) {
    if (text.empty()) return;
    if (!body.empty()) body += "\n\n";
    body += text;
    if (source == BodySource::kNone) source = from;
  }
};

// How a part is visited: kContent parts may give the body text; kHidden ones are other
// renderings of text already chosen (the HTML of multipart/alternative), whose text is skipped
// but whose other parts (images, files) are still listed.
enum class Mode { kContent, kHidden };

class Walker {
 public:
  Walker(GMimeParserOptions* options, GMimeFormatOptions* format, Warnings* warnings)
      : options_(options), format_(format), warnings_(warnings) {}

  void Visit(GMimeObject* object, int depth, Mode mode, Collected* out) {
    if (object == nullptr) return;
    if (depth > kMaxDepth) {
      warnings_->Add("MIME nesting deeper than 32 levels not read");
      return;
    }
    if (parts_ == kMaxParts) {
      if (!parts_warned_) warnings_->Add("more than 1000 MIME parts; the rest not read");
      parts_warned_ = true;
      return;
    }
    ++parts_;
    if (GMIME_IS_MULTIPART(object)) {
      VisitMultipart(GMIME_MULTIPART(object), depth, mode, out);
    } else if (GMIME_IS_MESSAGE_PART(object)) {
      VisitMessagePart(GMIME_MESSAGE_PART(object), depth, out);
    } else if (GMIME_IS_PART(object)) {
      VisitLeaf(GMIME_PART(object), mode, out);
    }
  }

  // Collects a whole message's body and attachments (used for forwarded messages).
  ForwardedMessage Forwarded(GMimeMessage* message, int depth) {
    ForwardedMessage fwd;
    std::vector<Mailbox> from = AddressHeader(GMIME_OBJECT(message), options_, "From", nullptr);
    if (!from.empty()) fwd.from = std::move(from.front());
    fwd.subject = UnstructuredHeader(GMIME_OBJECT(message), "Subject");
    fwd.message_id = MessageIdOf(message, nullptr);
    fwd.date = DateOf(message);
    Collected inner;
    Visit(g_mime_message_get_mime_part(message), depth + 1, Mode::kContent, &inner);
    fwd.body_text = std::move(inner.body);
    return fwd;
  }

 private:
  static bool IsAttachmentDisposition(GMimeObject* object) {
    const char* d = g_mime_object_get_disposition(object);
    return d != nullptr && EqualsIgnoreCase(d, "attachment");
  }

  // A text/plain or text/html part that is meant to be read, not saved.
  bool IsInlineText(GMimeObject* object, bool* html) const {
    if (!GMIME_IS_PART(object) || IsAttachmentDisposition(object)) return false;
    const auto [type, subtype] = TypeOf(object);
    if (type != "text" || (subtype != "plain" && subtype != "html")) return false;
    if (!FilenameOf(object, options_).empty()) return false;
    *html = subtype == "html";
    return true;
  }

  // How good a body an alternative gives: plain text 3, a multipart holding plain text 2,
  // HTML (or a multipart holding it) 1, anything else 0.
  // `budget` bounds the parts looked at, as kMaxParts bounds those visited.
  int AlternativeScore(GMimeObject* object, int depth, int* budget) const {
    if (--*budget < 0) return 0;
    bool html = false;
    if (IsInlineText(object, &html)) return html ? 1 : 3;
    if (!GMIME_IS_MULTIPART(object) || depth > kMaxDepth) return 0;
    int best = 0;
    GMimeMultipart* mp = GMIME_MULTIPART(object);
    const int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i<n&& * budget> 0; ++i) {
      const int s = AlternativeScore(g_mime_multipart_get_part(mp, i), depth + 1, budget);
      best = std::max(best, s == 3 ? 2 : s);
    }
    return best;
  }

  void VisitMultipart(GMimeMultipart* mp, int depth, Mode mode, Collected* out) {
    GMimeObject* self = GMIME_OBJECT(mp);
    const auto [type, subtype] = TypeOf(self);
    const int n = g_mime_multipart_get_count(mp);
    auto child = [&](int i) { return g_mime_multipart_get_part(mp, i); };  // borrowed from mp

    if (subtype == "alternative" && mode == Mode::kContent) {
      std::vector<int> order(static_cast<size_t>(n));
      std::vector<int> score(static_cast<size_t>(n));
      int budget = kMaxParts;
      for (int i = 0; i < n; ++i) {
        order[static_cast<size_t>(i)] = i;
        score[static_cast<size_t>(i)] = AlternativeScore(child(i), depth + 1, &budget);
      }
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return score[static_cast<size_t>(a)] > score[static_cast<size_t>(b)];
      });
      std::vector<bool> used(static_cast<size_t>(n), false);
      // The best alternative gives the body; when it turns out blank (an empty text/plain
      // beside the real HTML happens), the next best does.
      for (int i : order) {
        if (score[static_cast<size_t>(i)] == 0) break;
        const size_t before = out->body.size();
        Visit(child(i), depth + 1, Mode::kContent, out);
        used[static_cast<size_t>(i)] = true;
        if (out->body.size() > before) break;
      }
      for (int i = 0; i < n; ++i) {
        if (!used[static_cast<size_t>(i)]) Visit(child(i), depth + 1, Mode::kHidden, out);
      }
      return;
    }
    if (subtype == "related") {
      // The root is named by the start parameter (a Content-ID) or is the first part; the rest
      // are resources of the root (images of an HTML body), listed as attachments.
      int root = 0;
      if (const char* start = g_mime_object_get_content_type_parameter(self, "start")) {
        const std::string want = internal::StripAngleBrackets(start);
        for (int i = 0; i < n; ++i) {
          if (want == Str(g_mime_object_get_content_id(child(i)))) root = i;
        }
      }
      for (int i = 0; i < n; ++i) {
        Visit(child(i), depth + 1, i == root ? mode : Mode::kHidden, out);
      }
      return;
    }
    if (subtype == "signed") {
      // The first part is the content; the signature is not the sender's content.
      if (n > 0) Visit(child(0), depth + 1, mode, out);
      return;
    }
    if (subtype == "encrypted") {
      warnings_->Add("encrypted content not read");
      for (int i = 0; i < n; ++i) Visit(child(i), depth + 1, Mode::kHidden, out);
      return;
    }
    if (subtype == "report" && self == out->report_candidate) {
      VisitReport(mp, depth, mode, out);
      return;
    }
    // mixed, digest, parallel, a report inside something else, and unknown subtypes (RFC 2046
    // says to treat them as mixed).
    for (int i = 0; i < n; ++i) Visit(child(i), depth + 1, mode, out);
  }

  // multipart/report (RFC 6522): a human-readable part, the machine-readable report, and
  // optionally the returned message or its headers. Only the first is content.
  void VisitReport(GMimeMultipart* mp, int depth, Mode mode, Collected* out) {
    out->report_type = AsciiLower(
        CleanLine(Str(g_mime_object_get_content_type_parameter(GMIME_OBJECT(mp), "report-type"))));
    const bool dsn =
        out->report_type == "delivery-status" || out->report_type == "global-delivery-status";
    if (dsn) out->report.emplace();
    const int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; ++i) {
      GMimeObject* part = g_mime_multipart_get_part(mp, i);  // borrowed from mp
      const auto [type, subtype] = TypeOf(part);
      if (i == 0) {
        Visit(part, depth + 1, mode, out);
      } else if (dsn && type == "message" &&
                 (subtype == "delivery-status" || subtype == "global-delivery-status") &&
                 GMIME_IS_PART(part)) {
        DeliveryReport parsed =
            internal::ParseDeliveryStatus(internal::MakeValidUtf8(DecodedBytes(GMIME_PART(part))));
        out->report->reporting_mta = std::move(parsed.reporting_mta);
        out->report->recipients = std::move(parsed.recipients);
      } else if (dsn && GMIME_IS_MESSAGE_PART(part)) {
        GMimeMessage* original = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
        if (original != nullptr) out->report->original_message_id = MessageIdOf(original, nullptr);
      } else if (dsn && GMIME_IS_PART(part) &&
                 ((type == "text" && subtype == "rfc822-headers") ||
                  (type == "message" && subtype == "global-headers"))) {
        out->report->original_message_id =
            internal::FindMessageId(internal::MakeValidUtf8(DecodedBytes(GMIME_PART(part))));
      } else if (type == "message" &&
                 (subtype == "disposition-notification" || subtype == "delivery-status" ||
                  subtype == "global-delivery-status")) {
        // The machine-readable part of another report type: nothing a person reads.
      } else {
        Visit(part, depth + 1, Mode::kHidden, out);
      }
    }
  }

  void VisitMessagePart(GMimeMessagePart* part, int depth, Collected* out) {
    GMimeMessage* message = g_mime_message_part_get_message(part);  // borrowed from part
    if (message == nullptr) return;
    Attachment att;
    att.content_type = "message/rfc822";
    att.filename = FilenameOf(GMIME_OBJECT(part), options_);
    att.inline_part = !IsAttachmentDisposition(GMIME_OBJECT(part));
    // The bytes of the embedded message as GMime writes it back, with the outer message's line
    // ends: the original bytes for a well-formed message.
    GObjectPtr<GMimeStream> mem(g_mime_stream_mem_new());
    g_mime_object_write_to_stream(GMIME_OBJECT(message), format_, mem.get());
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
    const std::string_view serialized(reinterpret_cast<const char*>(bytes->data), bytes->len);
    att.size = serialized.size();
    att.sha256 = internal::Sha256::Hex(serialized);
    out->attachments.push_back(std::move(att));
    out->forwarded.push_back(Forwarded(message, depth));
  }

  void VisitLeaf(GMimePart* part, Mode mode, Collected* out) {
    GMimeObject* object = GMIME_OBJECT(part);
    bool html = false;
    if (IsInlineText(object, &html)) {
      if (mode == Mode::kContent) {
        out->AppendBody(PartText(part, html), html ? BodySource::kHtml : BodySource::kPlain);
      }
      return;
    }
    Attachment att;
    const auto [type, subtype] = TypeOf(object);
    att.content_type = type + "/" + subtype;
    att.filename = FilenameOf(object, options_);
    att.inline_part = !IsAttachmentDisposition(object);
    internal::Sha256 hash;
    ReadDecoded(part, [&](std::string_view piece) {
      hash.Update(piece);
      att.size += piece.size();
    });
    att.sha256 = hash.HexDigest();
    out->attachments.push_back(std::move(att));
  }

  GMimeParserOptions* options_;  // borrowed from ParseInbound
  GMimeFormatOptions* format_;   // borrowed from ParseInbound
  Warnings* warnings_;           // borrowed from ParseInbound
  int parts_ = 0;                // parts visited so far, at most kMaxParts
  bool parts_warned_ = false;
};

std::string_view SkipMboxFromLine(std::string_view raw) {
  if (raw.substr(0, 5) != "From ") return raw;
  const size_t nl = raw.find('\n');
  return nl == std::string_view::npos ? std::string_view() : raw.substr(nl + 1);
}

}  // namespace

Result<InboundMessage> ParseInbound(std::string_view raw_rfc5322, const ParseLimits& limits) {
  if (raw_rfc5322.size() > limits.max_message_bytes) {
    return Status::Rule(std::string(kMessageTooLarge),
                        "message of " + std::to_string(raw_rfc5322.size()) +
                            " bytes is over the limit of " +
                            std::to_string(limits.max_message_bytes) + " bytes");
  }
  if (internal::TrimWhitespace(raw_rfc5322).empty()) {
    return Status::BadField("empty message");
  }
  internal::EnsureGMimeInitialized();

  InboundMessage msg;
  msg.size = raw_rfc5322.size();
  msg.raw_sha256 = internal::Sha256::Hex(raw_rfc5322);
  const std::string_view raw = SkipMboxFromLine(raw_rfc5322);

  Warnings warnings;
  // Parser options of our own, never GMime's process-wide default: lenient address and RFC 2047
  // parsing, and header fallback charsets that do not depend on the process locale.
  internal::ParserOptionsPtr options(g_mime_parser_options_new());
  g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  const char* fallback[] = {"utf-8", "windows-1252", "iso-8859-1", nullptr};
  g_mime_parser_options_set_fallback_charsets(options.get(), fallback);
  g_mime_parser_options_set_warning_callback(options.get(), OnParserWarning, &warnings);
  // Embedded messages are written back (for their hash) with the input's own line ends.
  internal::FormatOptionsPtr format(g_mime_format_options_new());
  if (const size_t nl = raw.find('\n');
      nl != std::string_view::npos && nl > 0 && raw[nl - 1] == '\r') {
    g_mime_format_options_set_newline_format(format.get(), GMIME_NEWLINE_FORMAT_DOS);
  }

  // Declared after the options: the message may refer to them until it is destroyed.
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
  if (!message) return Status::BadField("not an RFC 5322 message: no header could be read");
  GMimeMessage* m = message.get();
  GMimeObject* top = GMIME_OBJECT(m);

  msg.message_id = MessageIdOf(m, &warnings);
  const std::vector<std::string> in_reply_to =
      IdList(options.get(), g_mime_object_get_header(top, "In-Reply-To"));
  if (!in_reply_to.empty()) msg.in_reply_to = in_reply_to.front();
  msg.references = IdList(options.get(), g_mime_object_get_header(top, "References"));
  if (msg.references.size() > kMaxReferences) {
    msg.references.erase(msg.references.begin() + 1,
                         msg.references.end() - static_cast<ptrdiff_t>(kMaxReferences - 1));
    warnings.Add("more than 100 References; the first and the newest 99 kept");
  }

  msg.to = AddressHeader(top, options.get(), "To", &warnings);
  msg.cc = AddressHeader(top, options.get(), "Cc", &warnings);
  msg.reply_to = AddressHeader(top, options.get(), "Reply-To", &warnings);
  msg.subject = UnstructuredHeader(top, "Subject");
  msg.date = DateOf(m);
  if (!msg.date && g_mime_object_get_header(top, "Date") != nullptr) {
    warnings.Add("unreadable Date: " + HeaderValue(top, "Date").substr(0, 80));
  }

  msg.auto_submitted = HeaderValue(top, "Auto-Submitted");
  msg.precedence = HeaderValue(top, "Precedence");
  msg.x_loop = AllHeaderValues(top, "X-Loop");
  if (msg.x_loop.size() > kMaxXLoop) msg.x_loop.resize(kMaxXLoop);
  msg.list_id = HeaderValue(top, "List-Id");
  msg.x_autoreply = HeaderValue(top, "X-Autoreply");
  if (msg.x_autoreply.empty()) msg.x_autoreply = HeaderValue(top, "X-Autorespond");
  if (const char* rp = g_mime_object_get_header(top, "Return-Path")) {
    const std::string addr = internal::StripAngleBrackets(rp);
    msg.null_return_path = addr.empty();
    msg.return_path = internal::NormalizeAddress(addr);
  }

  if (std::vector<Mailbox> from = AddressHeader(top, options.get(), "From", &warnings);
      !from.empty()) {
    msg.from = std::move(from.front());
  } else if (std::vector<Mailbox> sender = AddressHeader(top, options.get(), "Sender", &warnings);
             !sender.empty()) {
    msg.from = std::move(sender.front());
    warnings.Add("no From mailbox; the sender is taken from Sender");
  } else if (!msg.return_path.empty()) {
    msg.from.address = msg.return_path;
    warnings.Add("no From mailbox; the sender is taken from Return-Path");
  } else {
    warnings.Add("no sender address");
  }

  Collected collected;
  Walker walker(options.get(), format.get(), &warnings);
  GMimeObject* body = g_mime_message_get_mime_part(m);  // borrowed from the message
  collected.report_candidate = body;
  walker.Visit(body, 0, Mode::kContent, &collected);
  msg.body_text = std::move(collected.body);
  msg.body_source = collected.source;
  msg.attachments = std::move(collected.attachments);
  msg.forwarded = std::move(collected.forwarded);
  msg.report_type = std::move(collected.report_type);
  msg.delivery_report = std::move(collected.report);

  msg.warnings = warnings.Take();
  return msg;
}

}  // namespace tl::mail
