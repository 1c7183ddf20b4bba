#include "tools/import/xes_reader.h"

#include <expat.h>
#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <unordered_map>

#include "tools/import/plain_xml_scanner.h"

namespace tl::tools::import {
namespace {

bool IsAttributeElement(std::string_view name) {
  return name == "string" || name == "date" || name == "int" || name == "float" ||
         name == "boolean" || name == "id";
}

// An attribute of the open trace or of one of its events; keys are interned (a log uses a
// handful of keys millions of times).
struct Attribute {
  uint32_t key;
  std::string value;
};

// Builds records from the element callbacks of either reader: expat, or the plain-XML scanner
// (then `xml` is null).
struct Parser {
  const RecordSink* sink = nullptr;
  XML_Parser xml = nullptr;
  Status failure;
  // The scanner met an attribute element that needs expat's error message (with its line).
  bool needs_expat = false;
  uint64_t ordinal = 0;
  // Records up to this ordinal were delivered by an earlier reading of the same input.
  uint64_t already_delivered = 0;

  // Where we are: depth of the current element, and the depth of the open trace and event.
  int depth = 0;
  int trace_depth = -1;
  int event_depth = -1;
  std::vector<Attribute> trace_attributes;
  std::vector<Attribute> event_attributes;  // of all events of the open trace, in order
  std::vector<size_t> event_ends;           // where each event's attributes end

  std::unordered_map<std::string, uint32_t> key_ids;
  std::vector<std::string> key_names;  // by id; trace keys carry their "case:" prefix

  // The record's names, rebuilt only when an event's key sequence differs from the last one.
  std::vector<uint32_t> last_keys, keys;
  std::vector<std::string> names;
  uint64_t schema = 0;

  uint32_t KeyId(std::string name) {
    auto [it, inserted] = key_ids.try_emplace(std::move(name), key_names.size());
    if (inserted) key_names.push_back(it->first);
    return it->second;
  }

  void Stop(Status s) {
    failure = std::move(s);
    if (xml != nullptr) XML_StopParser(xml, XML_FALSE);
  }

  void Start(const char* name, const char** atts) {
    ++depth;
    std::string_view element(name);
    if (trace_depth < 0) {
      if (element == "trace") {
        trace_depth = depth;
        trace_attributes.clear();
        event_attributes.clear();
        event_ends.clear();
      }
      return;
    }
    if (event_depth < 0 && depth == trace_depth + 1 && element == "event") {
      event_depth = depth;
      return;
    }
    // A direct child of the trace or of the event.
    const bool of_event = event_depth >= 0 && depth == event_depth + 1;
    const bool of_trace = event_depth < 0 && depth == trace_depth + 1;
    if (!(of_event || of_trace) || !IsAttributeElement(element)) return;
    const char* key = nullptr;
    const char* value = nullptr;
    for (const char** a = atts; *a != nullptr; a += 2) {
      if (std::strcmp(a[0], "key") == 0) key = a[1];
      if (std::strcmp(a[0], "value") == 0) value = a[1];
    }
    if (key == nullptr || value == nullptr) {
      if (xml == nullptr) {
        needs_expat = true;
        return;
      }
      Stop(Status::BadField(fmt::format("XES line {}: <{}> without key or value",
                                        XML_GetCurrentLineNumber(xml), element)));
      return;
    }
    if (of_event) {
      event_attributes.push_back(Attribute{KeyId(key), value});
    } else {
      trace_attributes.push_back(Attribute{KeyId(std::string("case:") + key), value});
    }
  }

  void End(const char* /*name*/) {
    if (depth == event_depth) {
      event_depth = -1;
      event_ends.push_back(event_attributes.size());
    } else if (depth == trace_depth) {
      trace_depth = -1;
      Status s = Deliver();
      if (!s.ok()) Stop(std::move(s));
    }
    --depth;
  }

  Status Deliver() {
    Record record;
    record.names = &names;
    size_t begin = 0;
    for (size_t end : event_ends) {
      keys.clear();
      record.values.clear();
      for (const Attribute& a : trace_attributes) {
        keys.push_back(a.key);
        record.values.push_back(a.value);
      }
      for (size_t i = begin; i < end; ++i) {
        keys.push_back(event_attributes[i].key);
        record.values.push_back(event_attributes[i].value);
      }
      begin = end;
      if (keys != last_keys) {
        names.clear();
        for (uint32_t k : keys) names.push_back(key_names[k]);
        last_keys = keys;
        ++schema;
      }
      record.schema = schema;
      record.ordinal = ++ordinal;
      if (record.ordinal <= already_delivered) continue;
      TL_RETURN_IF_ERROR((*sink)(record));
    }
    event_ends.clear();
    return Status::Ok();
  }
};

struct XmlParserDeleter {
  void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};

// The whole input with expat, skipping the records up to `already_delivered`.
Status ReadWithExpat(GzipReader& input, const RecordSink& sink, uint64_t already_delivered) {
  std::unique_ptr<XML_ParserStruct, XmlParserDeleter> xml(XML_ParserCreate(nullptr));
  if (!xml) return Status::Internal("expat could not allocate a parser");
  Parser parser;
  parser.sink = &sink;
  parser.xml = xml.get();
  parser.already_delivered = already_delivered;
  XML_SetUserData(xml.get(), &parser);
  XML_SetElementHandler(
      xml.get(),
      [](void* data, const XML_Char* name, const XML_Char** atts) {
        static_cast<Parser*>(data)->Start(name, atts);
      },
      [](void* data, const XML_Char* name) { static_cast<Parser*>(data)->End(name); });

  constexpr size_t kChunk = 1u << 20;
  for (;;) {
    void* buffer = XML_GetBuffer(xml.get(), kChunk);
    if (buffer == nullptr) return Status::Internal("expat could not allocate a buffer");
    TL_ASSIGN_OR_RETURN(size_t n, input.Read(static_cast<char*>(buffer), kChunk));
    const bool last = n == 0;
    if (XML_ParseBuffer(xml.get(), static_cast<int>(n), last) == XML_STATUS_ERROR) {
      if (!parser.failure.ok()) return parser.failure;
      return Status::BadField(fmt::format(
          "XES line {} column {}: {}", XML_GetCurrentLineNumber(xml.get()),
          XML_GetCurrentColumnNumber(xml.get()), XML_ErrorString(XML_GetErrorCode(xml.get()))));
    }
    if (last) break;
  }
  if (parser.trace_depth >= 0) return Status::BadField("XES input ends inside a <trace>");
  return Status::Ok();
}

}  // namespace

Status ReadXes(GzipReader& input, const RecordSink& sink, XesParsing parsing) {
  if (parsing == XesParsing::kExpatOnly) return ReadWithExpat(input, sink, 0);
  Parser parser;
  parser.sink = &sink;
  XmlCallbacks callbacks;
  callbacks.data = &parser;
  callbacks.start = [](void* data, const char* name, const char** atts) {
    static_cast<Parser*>(data)->Start(name, atts);
  };
  callbacks.end = [](void* data, const char* name) { static_cast<Parser*>(data)->End(name); };
  callbacks.stopped = [](void* data) {
    const auto* p = static_cast<const Parser*>(data);
    return !p->failure.ok() || p->needs_expat;
  };
  TL_ASSIGN_OR_RETURN(ScanOutcome outcome, ScanPlainXml(input, callbacks));
  if (outcome == ScanOutcome::kComplete) return Status::Ok();
  // A sink's error ends the reading; anything else is expat's to read, or to name.
  if (!parser.failure.ok()) return parser.failure;
  // The records delivered so far are the ones expat would have delivered first: it goes on
  // after them.
  TL_RETURN_IF_ERROR(input.Rewind());
  return ReadWithExpat(input, sink, parser.ordinal);
}

}  // namespace tl::tools::import
