// The plain-XML scanner against expat, its reference: on documents written to exercise every
// rule of the subset, on thousands of random mutations of an XES log read a few bytes at a
// time, and on the real BPI Challenge 2013 log. Wherever the scanner reads a document to its
// end, expat must accept it and make the same callbacks; wherever the scanner gives up, what
// it reported before must be what expat reports first; and ReadXes must deliver exactly
// expat's records and errors either way.
#include "tools/import/plain_xml_scanner.h"

#include <expat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tools/import/xes_reader.h"

using namespace tl;
using namespace tl::tools::import;
using tl::testing::TempDir;

namespace {

// Callbacks written out: "<name a=v ...", and ">name" for an end.
using Calls = std::vector<std::string>;

void RecordStart(void* data, const char* name, const char** atts) {
  std::string call = std::string("<") + name;
  for (const char** a = atts; *a != nullptr; a += 2) call += std::string(" ") + a[0] + "=" + a[1];
  static_cast<Calls*>(data)->push_back(std::move(call));
}
void RecordEnd(void* data, const char* name) {
  static_cast<Calls*>(data)->push_back(std::string(">") + name);
}

struct ExpatReading {
  Calls calls;
  bool ok = false;
};

ExpatReading ReadWithExpat(const std::string& doc) {
  ExpatReading out;
  XML_Parser xml = XML_ParserCreate(nullptr);
  XML_SetUserData(xml, &out.calls);
  XML_SetElementHandler(xml, RecordStart, RecordEnd);
  out.ok = XML_Parse(xml, doc.data(), static_cast<int>(doc.size()), XML_TRUE) == XML_STATUS_OK;
  XML_ParserFree(xml);
  return out;
}

struct Scan {
  Calls calls;
  ScanOutcome outcome = ScanOutcome::kNotPlain;
};

Scan ScanFile(const std::string& path, size_t block_bytes) {
  auto input = GzipReader::Open(path);
  REQUIRE(input.ok());
  Scan out;
  XmlCallbacks callbacks;
  callbacks.data = &out.calls;
  callbacks.start = RecordStart;
  callbacks.end = RecordEnd;
  callbacks.stopped = [](void*) { return false; };
  auto outcome = ScanPlainXml(**input, callbacks, block_bytes);
  REQUIRE(outcome.ok());
  out.outcome = *outcome;
  return out;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Records and the final status, as ReadXes delivers them.
struct XesReading {
  std::vector<std::string> records;  // ordinal, then name=value pairs
  std::string status;
  bool operator==(const XesReading&) const = default;
};

XesReading ReadXesFile(const std::string& path, XesParsing parsing) {
  auto input = GzipReader::Open(path);
  REQUIRE(input.ok());
  XesReading out;
  Status s = ReadXes(
      **input,
      [&](const Record& r) -> Status {
        std::string text = std::to_string(r.ordinal);
        for (size_t i = 0; i < r.values.size(); ++i) {
          text += "|" + (*r.names)[i] + "=" + std::string(r.values[i]);
        }
        out.records.push_back(std::move(text));
        return Status::Ok();
      },
      parsing);
  out.status = s.ToString();
  return out;
}

bool IsPrefix(const Calls& prefix, const Calls& whole) {
  return prefix.size() <= whole.size() && std::equal(prefix.begin(), prefix.end(), whole.begin());
}

// The scanner's promise for one document, read `block_bytes` at a time. Returns its outcome.
ScanOutcome CheckAgainstExpat(const TempDir& dir, const std::string& doc, size_t block_bytes) {
  const std::string path = dir.Sub("doc.xml");
  WriteFile(path, doc);
  const ExpatReading expat = ReadWithExpat(doc);
  const Scan scan = ScanFile(path, block_bytes);
  INFO("document: " << doc);
  INFO("block: " << block_bytes);
  if (scan.outcome == ScanOutcome::kComplete) {
    CHECK(expat.ok);
    CHECK(scan.calls == expat.calls);
  } else {
    CHECK(IsPrefix(scan.calls, expat.calls));
  }
  CHECK(ReadXesFile(path, XesParsing::kFastWhenPlain) == ReadXesFile(path, XesParsing::kExpatOnly));
  return scan.outcome;
}

const char* const kLog = R"(<?xml version="1.0" encoding="UTF-8" ?>
<!-- OpenXES writes comments like this one -->
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
	<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
	<global scope="event"><date key="time:timestamp" value="1970-01-01T00:00:00+01:00"/></global>
	<trace>
		<string key="concept:name" value="1-364285768"/>
		<event>
			<string key="org:group" value='V30'/>
			<string key="org:resource" value="Fr&#233;d&#xE9;ric &amp; K&#229;re"/>
			<string key="concept:name" value="Accepted"/>
			<date key="time:timestamp" value="2010-03-31T16:59:42+02:00"/>
		</event>
		<event>
			<string key="org:resource" value="Désirée &lt;D&gt; &quot;x&quot; &apos;y&apos;"/>
			<string key="note" value="two	words
and a line"/>
			<int key="n" value="3"/>
		</event>
	</trace>
	<trace>
		<event><string key = "concept:name"   value="Queued" /><float key="f" value="0.5"/></event>
		<string key="concept:name" value="1-2"/>
	</trace>
</log>
)";

}  // namespace

TEST_CASE("the plain-XML scanner reads an XES log as expat does, in blocks of any size",
          "[import][xes]") {
  TempDir dir;
  for (size_t block : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{1} << 20}) {
    CHECK(CheckAgainstExpat(dir, kLog, block) == ScanOutcome::kComplete);
  }
  // And the records are right, not only equal to expat's.
  const std::string path = dir.Sub("doc.xml");
  WriteFile(path, kLog);
  const XesReading reading = ReadXesFile(path, XesParsing::kFastWhenPlain);
  REQUIRE(reading.status == "ok");
  REQUIRE(reading.records.size() == 3);
  CHECK(reading.records[0] ==
        "1|case:concept:name=1-364285768|org:group=V30|org:resource=Frédéric & Kåre"
        "|concept:name=Accepted|time:timestamp=2010-03-31T16:59:42+02:00");
  CHECK(reading.records[1] ==
        "2|case:concept:name=1-364285768|org:resource=Désirée <D> \"x\" 'y'"
        "|note=two words and a line|n=3");
  CHECK(reading.records[2] == "3|case:concept:name=1-2|concept:name=Queued|f=0.5");
}

TEST_CASE("the plain-XML scanner leaves everything outside its subset to expat", "[import][xes]") {
  TempDir dir;
  const std::string open = "<log><trace><string key=\"concept:name\" value=\"c\"/><event>";
  const std::string close = "</event></trace></log>";
  auto event_with = [&](const std::string& inside) { return open + inside + close; };
  struct Case {
    std::string doc;
    ScanOutcome outcome;
  };
  const std::vector<Case> cases = {
      // Plain, though unusual.
      {"\xEF\xBB\xBF" + event_with("<string key=\"a\" value=\"b\"/>"), ScanOutcome::kComplete},
      {"<?xml version='1.0' encoding='utf-8' standalone='yes'?>" +
           event_with("<string key=\"a\" value=\"x&#9;y&#13;z\r\nw\rv\"/>"),
       ScanOutcome::kComplete},
      {event_with("<string key=\"a\" value=\"&#x1F600; &#128512;\"/>text &#233; ok"),
       ScanOutcome::kNotPlain},  // a reference in text: left to expat
      {event_with("<string key=\"a\" value=\"b\">text, ignored</string>"), ScanOutcome::kComplete},
      {"<!-- before -->" + event_with("") + "<!-- after -->\n", ScanOutcome::kComplete},
      {event_with("<string key=\"a\" value=\"\xF0\x9F\x98\x80 \xC3\xA9\"/>"),
       ScanOutcome::kComplete},
      // Outside the subset, well-formed: expat reads them.
      {"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" +
           event_with("<string key=\"a\" value=\"Fr\xE9"
                      "d\xE9ric\"/>"),
       ScanOutcome::kNotPlain},
      {"<!DOCTYPE log [<!ENTITY who \"Ann\">]>" + event_with("<string key=\"a\" value=\"&who;\"/>"),
       ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"b\"><![CDATA[<x>]]></string>"),
       ScanOutcome::kNotPlain},
      {event_with("<?pi data?><string key=\"a\" value=\"b\"/>"), ScanOutcome::kNotPlain},
      {event_with("<strïng key=\"a\" value=\"b\"/>"), ScanOutcome::kNotPlain},
      {"<?xml version=\"1.1\"?>" + event_with(""), ScanOutcome::kNotPlain},
      // Not well-formed: expat names the error.
      {event_with("<string key=\"a\" value=\"b\" key=\"c\"/>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\"value=\"b\"/>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"a<b\"/>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"&nbsp;\"/>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"&#0;\"/>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"&#xD800;\"/>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"\x01\"/>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"\xC3(\"/>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"\xED\xA0\x80\"/>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"\xEF\xBF\xBE\"/>"), ScanOutcome::kNotPlain},
      {event_with("<!-- a -- b -->"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"b\"></strong>"), ScanOutcome::kNotPlain},
      {event_with("<string key=\"a\" value=\"b\">"), ScanOutcome::kNotPlain},
      {event_with("") + "<log/>", ScanOutcome::kNotPlain},
      {event_with("") + "trailing", ScanOutcome::kNotPlain},
      {" <?xml version=\"1.0\"?>" + event_with(""), ScanOutcome::kNotPlain},
      {"", ScanOutcome::kNotPlain},
      // Well-formed, but an attribute element without its value: the reader's own error,
      // which expat's line number makes precise.
      {event_with("<string key=\"a\"/>"), ScanOutcome::kComplete},
  };
  for (const Case& c : cases) {
    for (size_t block : {size_t{1}, size_t{5}, size_t{1} << 20}) {
      INFO("document: " << c.doc << "\nblock: " << block);
      CHECK(CheckAgainstExpat(dir, c.doc, block) == c.outcome);
    }
  }
}

TEST_CASE("ReadXes goes on with expat after the records the scanner delivered, none twice",
          "[import][xes]") {
  TempDir dir;
  // Two plain traces, then one with CDATA: the scanner delivers three events, expat the rest.
  const std::string doc =
      "<log><trace><string key=\"concept:name\" value=\"1\"/><event/><event/></trace>"
      "<trace><string key=\"concept:name\" value=\"2\"/><event/></trace>"
      "<trace><string key=\"concept:name\" value=\"3\"/><event><![CDATA[x]]></event></trace>"
      "<trace><string key=\"concept:name\" value=\"4\"/><event/></trace></log>";
  const std::string path = dir.Sub("doc.xml");
  WriteFile(path, doc);
  const XesReading reading = ReadXesFile(path, XesParsing::kFastWhenPlain);
  CHECK(reading.status == "ok");
  CHECK(reading.records ==
        std::vector<std::string>{"1|case:concept:name=1", "2|case:concept:name=1",
                                 "3|case:concept:name=2", "4|case:concept:name=3",
                                 "5|case:concept:name=4"});
  CHECK(reading == ReadXesFile(path, XesParsing::kExpatOnly));
}

TEST_CASE("random damage to an XES log: the scanner never accepts what expat refuses",
          "[import][xes]") {
  TempDir dir;
  std::mt19937 rng(20261128);
  // Bytes that matter to XML, and some that make or break UTF-8.
  static const char kBytes[] = "<>&;#x\"'=/!?-[] \t\r\nax9:\x00\x01\xC3\xA9\xE2\x82\xAC\xFF";
  const std::string alphabet(kBytes, sizeof kBytes - 1);
  const std::string base = kLog;
  const std::vector<size_t> blocks = {1, 2, 3, 5, 16, size_t{1} << 20};
  int complete = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string doc = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (doc.size() + 1);
      const char byte = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          doc.insert(doc.begin() + at, byte);
          break;
        case 1:
          if (at < doc.size()) doc.erase(at, 1 + rng() % 4);
          break;
        default:
          if (at < doc.size()) doc[at] = byte;
          break;
      }
    }
    if (CheckAgainstExpat(dir, doc, blocks[rng() % blocks.size()]) == ScanOutcome::kComplete) {
      ++complete;
    }
  }
  // Most damage lands in whitespace or a value and leaves the log plain; the rest is left
  // to expat. Both kinds must be well represented for the test to mean something.
  CHECK(complete > 150);
  CHECK(complete < 1400);
}

TEST_CASE("the real BPI Challenge 2013 log reads the same with the scanner as with expat",
          "[import][xes][slow]") {
  const char* env = std::getenv("TL_DATA_DIR");
  const std::string data = env != nullptr ? env : TL_SHARED_DATA_DIR;
  const std::string path = data + "/bpic2013/bpi_challenge_2013_incidents.xes.gz";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: the real logs are not at " << data << " (set TL_DATA_DIR)");
    return;
  }
  const XesReading fast = ReadXesFile(path, XesParsing::kFastWhenPlain);
  CHECK(fast.status == "ok");
  CHECK(fast.records.size() == 65533);
  CHECK(fast == ReadXesFile(path, XesParsing::kExpatOnly));
  // The scanner read it whole: no part of the real log needed expat.
  auto input = GzipReader::Open(path);
  REQUIRE(input.ok());
  XmlCallbacks count;
  uint64_t elements = 0;
  count.data = &elements;
  count.start = [](void* counter, const char*, const char**) {
    ++*static_cast<uint64_t*>(counter);
  };
  count.end = [](void*, const char*) {};
  count.stopped = [](void*) { return false; };
  auto outcome = ScanPlainXml(**input, count);
  REQUIRE(outcome.ok());
  CHECK(*outcome == ScanOutcome::kComplete);
  CHECK(elements > 65533);
}
