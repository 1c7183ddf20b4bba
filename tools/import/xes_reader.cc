#include "tools/import/xes_reader.h"

#include <expat.h>
#include <fmt/format.h>

#include <cstring>
#include <memory>

namespace tl::tools::import {
namespace {

bool IsAttributeElement(std::string_view name) {
  return name == "string" || name == "date" || name == "int" || name == "float" ||
         name == "boolean" || name == "id";
}

struct Attribute {
  std::string key;
  std::string value;
};

struct Parser {
  const RecordSink* sink = nullptr;
  XML_Parser xml = nullptr;
  Status failure;
  uint64_t ordinal = 0;

  // Where we are: depth of the current element, and the depth of the open trace and event.
  int depth = 0;
  int trace_depth = -1;
  int event_depth = -1;
  std::vector<Attribute> trace_attributes;
  std::vector<std::vector<Attribute>> events;  // of the open trace

  void Stop(Status s) {
    failure = std::move(s);
    XML_StopParser(xml, XML_FALSE);
  }

  void Start(const char* name, const char** atts) {
    ++depth;
    std::string_view element(name);
    if (trace_depth < 0) {
      if (element == "trace") {
        trace_depth = depth;
        trace_attributes.clear();
        events.clear();
      }
      return;
    }
    if (event_depth < 0 && depth == trace_depth + 1 && element == "event") {
      event_depth = depth;
      events.emplace_back();
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
      Stop(Status::BadField(fmt::format("XES line {}: <{}> without key or value",
                                        XML_GetCurrentLineNumber(xml), element)));
      return;
    }
    if (of_event) {
      events.back().push_back(Attribute{key, value});
    } else {
      trace_attributes.push_back(Attribute{std::string("case:") + key, value});
    }
  }

  void End(const char* /*name*/) {
    if (depth == event_depth) {
      event_depth = -1;
    } else if (depth == trace_depth) {
      trace_depth = -1;
      Status s = Deliver();
      if (!s.ok()) Stop(std::move(s));
    }
    --depth;
  }

  Status Deliver() {
    std::vector<std::string> names;
    Record record;
    record.names = &names;
    for (const auto& attributes : events) {
      names.clear();
      record.values.clear();
      for (const Attribute& a : trace_attributes) {
        names.push_back(a.key);
        record.values.push_back(a.value);
      }
      for (const Attribute& a : attributes) {
        names.push_back(a.key);
        record.values.push_back(a.value);
      }
      record.ordinal = ++ordinal;
      TL_RETURN_IF_ERROR((*sink)(record));
    }
    events.clear();
    return Status::Ok();
  }
};

struct XmlParserDeleter {
  void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};

}  // namespace

Status ReadXes(GzipReader& input, const RecordSink& sink) {
  std::unique_ptr<XML_ParserStruct, XmlParserDeleter> xml(XML_ParserCreate(nullptr));
  if (!xml) return Status::Internal("expat could not allocate a parser");
  Parser parser;
  parser.sink = &sink;
  parser.xml = xml.get();
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

}  // namespace tl::tools::import
