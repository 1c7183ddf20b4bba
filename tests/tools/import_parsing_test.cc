// The import's readers and mapping on their own: CSV, XES, timestamps, the mapping file and
// membership. The whole import (the real binary on real files) is in import_test.cc.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "ledger/domain/time_format.h"
#include "tests/support/temp_dir.h"
#include "tools/import/csv_reader.h"
#include "tools/import/mapping.h"
#include "tools/import/membership.h"
#include "tools/import/record_pipeline.h"
#include "tools/import/source_row.h"
#include "tools/import/timestamp.h"
#include "tools/import/xes_reader.h"

using namespace tl;
using namespace tl::tools::import;
using tl::testing::TempDir;

namespace {

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

void WriteGzip(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  gzclose(f);
}

struct Rows {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> values;
  std::vector<std::string> malformed;
};

Result<Rows> ReadAll(const std::string& path, bool xes) {
  TL_ASSIGN_OR_RETURN(auto reader, GzipReader::Open(path));
  Rows rows;
  auto sink = [&](const Record& r) -> Status {
    rows.names = *r.names;
    rows.values.emplace_back(r.values.begin(), r.values.end());
    rows.malformed.push_back(r.malformed);
    return Status::Ok();
  };
  TL_RETURN_IF_ERROR(xes ? ReadXes(*reader, sink) : ReadCsv(*reader, ',', sink));
  return rows;
}

ledger::TimeNs Utc(std::string_view rfc3339) { return *ledger::ParseRfc3339(rfc3339); }

}  // namespace

TEST_CASE("a CSV field may hold quotes, delimiters and line breaks", "[import][csv]") {
  TempDir dir;
  WriteFile(dir.Sub("a.csv"),
            "\xEF\xBB\xBFid,text,n\r\n"
            "1,\"say \"\"hi\"\", then, go\",7\r\n"
            "\n"
            "2,\"two\nlines\",8\n"
            "3,,\n");
  auto rows = ReadAll(dir.Sub("a.csv"), false);
  REQUIRE(rows.ok());
  CHECK(rows->names == std::vector<std::string>{"id", "text", "n"});
  REQUIRE(rows->values.size() == 3);
  CHECK(rows->values[0] == std::vector<std::string>{"1", "say \"hi\", then, go", "7"});
  CHECK(rows->values[1] == std::vector<std::string>{"2", "two\nlines", "8"});
  CHECK(rows->values[2] == std::vector<std::string>{"3", "", ""});
}

TEST_CASE("a CSV row with the wrong field count is kept and marked malformed", "[import][csv]") {
  TempDir dir;
  WriteGzip(dir.Sub("a.csv.gz"), "a,b\n1,2\n1,2,3\n4\n");
  auto rows = ReadAll(dir.Sub("a.csv.gz"), false);
  REQUIRE(rows.ok());
  REQUIRE(rows->values.size() == 3);
  CHECK(rows->malformed[0].empty());
  CHECK(rows->malformed[1] == "3 fields where the header has 2");
  CHECK(rows->malformed[2] == "1 fields where the header has 2");
}

TEST_CASE("a quote left open at the end of a CSV input is an error", "[import][csv]") {
  TempDir dir;
  WriteFile(dir.Sub("a.csv"), "a,b\n1,\"open\n2,3\n");
  auto rows = ReadAll(dir.Sub("a.csv"), false);
  CHECK(rows.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a damaged gzip input is reported, not taken as a short file", "[import][csv]") {
  TempDir dir;
  std::string text = "a,b\n";
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + ",x\n";
  WriteGzip(dir.Sub("a.csv.gz"), text);
  std::string bytes;
  {
    std::ifstream in(dir.Sub("a.csv.gz"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  WriteFile(dir.Sub("cut.csv.gz"), bytes.substr(0, bytes.size() / 2));
  auto rows = ReadAll(dir.Sub("cut.csv.gz"), false);
  CHECK(rows.status().code() == StatusCode::kDataLoss);
}

TEST_CASE("XES events carry their trace's attributes under case: names", "[import][xes]") {
  TempDir dir;
  WriteGzip(dir.Sub("log.xes.gz"), R"(<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="org:group" value="UNKNOWN"/></global>
  <trace>
    <event>
      <string key="concept:name" value="Accepted"/>
      <string key="org:resource" value="Ann &amp; Bo"/>
      <date key="time:timestamp" value="2012-05-02T09:00:00+02:00"/>
      <string key="outer" value="kept"><string key="nested" value="ignored"/></string>
    </event>
    <string key="concept:name" value="case-1"/>
    <event><string key="concept:name" value="Completed"/></event>
  </trace>
  <!-- a comment -->
  <trace><string key="concept:name" value="case-2"/><int key="n" value="3"/></trace>
</log>)");
  auto rows = ReadAll(dir.Sub("log.xes.gz"), true);
  REQUIRE(rows.ok());
  REQUIRE(rows->values.size() == 2);  // the second trace has no events
  CHECK(rows->names == std::vector<std::string>{"case:concept:name", "concept:name"});
  CHECK(rows->values[1] == std::vector<std::string>{"case-1", "Completed"});
  // The first event, read again with its own names (ReadAll keeps only the last names).
  auto reader = GzipReader::Open(dir.Sub("log.xes.gz"));
  REQUIRE(reader.ok());
  std::vector<std::pair<std::string, std::string>> first;
  Status s = ReadXes(**reader, [&](const Record& r) -> Status {
    if (r.ordinal == 1) {
      for (size_t i = 0; i < r.values.size(); ++i) first.emplace_back((*r.names)[i], r.values[i]);
    }
    return Status::Ok();
  });
  REQUIRE(s.ok());
  CHECK(first == std::vector<std::pair<std::string, std::string>>{
                     {"case:concept:name", "case-1"},
                     {"concept:name", "Accepted"},
                     {"org:resource", "Ann & Bo"},
                     {"time:timestamp", "2012-05-02T09:00:00+02:00"},
                     {"outer", "kept"}});
}

TEST_CASE("malformed XES names the line", "[import][xes]") {
  TempDir dir;
  WriteFile(dir.Sub("bad.xes"), "<log>\n<trace>\n<event><string key=\"a\" value=\"b\"></event>\n");
  auto rows = ReadAll(dir.Sub("bad.xes"), true);
  REQUIRE(rows.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(rows.status().message()), Catch::Contains("XES line 3"));
}

TEST_CASE("RFC 3339 timestamps keep their offset and bare ones take the mapping's zone",
          "[import][time]") {
  auto parser = TimestampParser::Create("rfc3339", "+01:00");
  REQUIRE(parser.ok());
  CHECK(*parser->Parse("2010-03-31T16:59:42+02:00") == Utc("2010-03-31T14:59:42Z"));
  CHECK(*parser->Parse("2010-01-13T08:40:25.000+02:00") == Utc("2010-01-13T06:40:25Z"));
  CHECK(*parser->Parse("2010-01-13T08:40:25") == Utc("2010-01-13T07:40:25Z"));
  CHECK_FALSE(parser->Parse("2010-02-30T08:40:25Z").ok());
  CHECK_FALSE(parser->Parse("yesterday").ok());
}

TEST_CASE("day-first dates parse with one- or two-digit fields and are checked", "[import][time]") {
  auto parser = TimestampParser::Create("%d/%m/%Y %H:%M", "UTC");
  REQUIRE(parser.ok());
  CHECK(*parser->Parse("29/2/2016 01:16") == Utc("2016-02-29T01:16:00Z"));
  CHECK(*parser->Parse("1/3/2016 9:05") == Utc("2016-03-01T09:05:00Z"));
  CHECK(*parser->Parse("13/03/2016 23:59") == Utc("2016-03-13T23:59:00Z"));
  CHECK_FALSE(parser->Parse("29/2/2015 01:16").ok());  // not a leap year
  CHECK_FALSE(parser->Parse("3/13/2016 01:16").ok());  // month-first
  CHECK_FALSE(parser->Parse("1/3/2016 24:00").ok());
  CHECK_FALSE(parser->Parse("1/3/2016 01:16 extra").ok());
  CHECK_FALSE(parser->Parse("?").ok());
}

TEST_CASE("a fixed zone and an offset in the text convert to UTC", "[import][time]") {
  auto cet = TimestampParser::Create("%Y-%m-%d %H:%M:%S", "+01:00");
  REQUIRE(cet.ok());
  CHECK(*cet->Parse("2016-01-01 00:30:00") == Utc("2015-12-31T23:30:00Z"));
  auto with_offset = TimestampParser::Create("%Y-%m-%d %H:%M:%S.%f%z", "UTC");
  REQUIRE(with_offset.ok());
  CHECK(*with_offset->Parse("2016-01-01 00:30:00.25-0130") == Utc("2016-01-01T02:00:00.25Z"));
  CHECK_FALSE(TimestampParser::Create("%d/%m/%Y", "Europe/Oslo").ok());
  CHECK_FALSE(TimestampParser::Create("%d/%q", "UTC").ok());
}

namespace {
constexpr std::string_view kMinimalMapping = R"({
  "source": "t", "mode": "event", "case": "c",
  "timestamp": {"column": "t", "format": "rfc3339"},
  "activity": "a", "actor": "who",
  "queue": {"column": "q", "default": "none"},
  "service": {"constant": "s"},
  "activities": {"x": {"status": "open"}}
})";

std::string With(std::string_view base, std::string_view from, std::string_view to) {
  std::string s(base);
  s.replace(s.find(from), from.size(), to);
  return s;
}
}  // namespace

TEST_CASE("a minimal mapping loads with the documented defaults", "[import][mapping]") {
  auto m = ParseMapping(kMinimalMapping);
  REQUIRE(m.ok());
  CHECK(m->mode == Mode::kEvent);
  CHECK(m->category.constant == "support");
  CHECK(m->channel.constant == "email");
  CHECK(m->actor.fallback == "(unknown)");
  CHECK(m->activities.at("x").status == TargetStatus::kOpen);
  CHECK(m->activities.at("x").owner == OwnerSource::kKeep);
}

TEST_CASE("a mapping that reads a column it lists as leaking is refused", "[import][mapping]") {
  auto m = ParseMapping(With(kMinimalMapping, R"("activity": "a")",
                             R"("activity": "a", "leaking_columns": {"who": "final value"})"));
  REQUIRE_FALSE(m.ok());
  CHECK_THAT(std::string(m.status().message()), Catch::Contains("leaking"));
}

TEST_CASE("mapping mistakes are named", "[import][mapping]") {
  CHECK_FALSE(ParseMapping(With(kMinimalMapping, R"("mode": "event")", R"("mood": "event")")).ok());
  CHECK_FALSE(
      ParseMapping(With(kMinimalMapping, R"("status": "open")", R"("status": "gone")")).ok());
  CHECK_FALSE(ParseMapping(With(kMinimalMapping, R"("default": "none")", R"("x": "none")")).ok());
  CHECK_FALSE(ParseMapping(With(kMinimalMapping, R"({"constant": "s"})",
                                R"({"constant": "s", "column": "s"})"))
                  .ok());
  CHECK_FALSE(ParseMapping(With(kMinimalMapping, R"("service")",
                                R"("category": {"constant": "complaint"}, "service")"))
                  .ok());
  CHECK_FALSE(ParseMapping(With(kMinimalMapping, R"({"status": "open"})",
                                R"({"status": "open", "owner": "column"})"))
                  .ok());
  CHECK_FALSE(ParseMapping("{ not json").ok());
}

TEST_CASE("each shipped mapping loads", "[import][mapping]") {
  for (const char* name : {"bpic2013", "uci-incident-log", "helpdesk"}) {
    auto m = LoadMapping(std::string(TL_MAPPINGS_DIR) + "/" + name + ".json");
    INFO(name << ": " << m.status().ToString());
    CHECK(m.ok());
  }
}

TEST_CASE("a row's identity begins with its time and is otherwise its content", "[import]") {
  auto m = ParseMapping(kMinimalMapping);
  REQUIRE(m.ok());
  const std::vector<std::string> names = {"c", "t", "a", "who", "q"};
  auto project = [&](std::vector<std::string_view> values) {
    RowProjector projector(*m);
    Record record;
    record.ordinal = 1;
    record.schema = 1;
    record.names = &names;
    record.values = std::move(values);
    return projector.Project(record);
  };
  const SourceRow row = project({"C1", "2016-01-01T00:30:00.25Z", "x", "ann", "Q"});
  REQUIRE(row.problem.empty());
  const int64_t ms = Utc("2016-01-01T00:30:00.25Z") / 1'000'000;
  for (int i = 0; i < 6; ++i) {
    CHECK(row.id.bytes[i] == static_cast<uint8_t>(ms >> (40 - 8 * i)));
  }
  CHECK(row.id.bytes[6] >> 4 == 8);
  // Equal content, equal id; other content at the same time, another id with the same prefix.
  CHECK(project({"C1", "2016-01-01T00:30:00.25Z", "x", "ann", "Q"}).id == row.id);
  const SourceRow other = project({"C1", "2016-01-01T00:30:00.25Z", "x", "bo", "Q"});
  CHECK(other.id != row.id);
  CHECK(std::equal(other.id.bytes.begin(), other.id.bytes.begin() + 6, row.id.bytes.begin()));
  // A later row sorts after it in the event-id index.
  CHECK(project({"C1", "2016-01-01T00:30:01Z", "x", "ann", "Q"}).id.bytes > row.id.bytes);
  // A row without a usable time keeps its content hash alone (and is skipped anyway).
  const SourceRow bad = project({"C1", "yesterday", "x", "ann", "Q"});
  CHECK(bad.problem == "bad timestamp");
  CHECK(bad.id != row.id);
}

TEST_CASE("a person belongs to the queue where they own tickets most often", "[import]") {
  Membership m;
  for (int i = 0; i < 3; ++i) m.Observe("ann", "B");
  m.Observe("ann", "A");
  m.Observe("bo", "A");
  m.Observe("bo", "B");  // a tie goes to the queue name first in order
  m.AddExisting("C", {"cy"});
  m.Derive();
  CHECK(m.IsMember("B", "ann"));
  CHECK_FALSE(m.IsMember("A", "ann"));
  CHECK(m.IsMember("A", "bo"));
  CHECK_FALSE(m.IsMember("B", "bo"));
  CHECK(m.IsMember("C", "cy"));
  CHECK(m.Members("A") == std::vector<std::string>{"bo"});
}

TEST_CASE("records read on another thread arrive complete and in order", "[import]") {
  const std::vector<std::string> names{"n", "text"};
  const uint64_t kRecords = 5000;  // several batches
  auto reader = [&](const RecordSink& sink) -> Status {
    Record r;
    r.names = &names;
    r.schema = 1;
    for (uint64_t i = 1; i <= kRecords; ++i) {
      std::string n = std::to_string(i), text(i % 7, 'x');
      r.ordinal = i;
      r.values = {n, text};
      TL_RETURN_IF_ERROR(sink(r));
    }
    return Status::BadField("the reader's own error, after its records");
  };
  uint64_t seen = 0;
  bool in_order = true;
  Status s = ReadConcurrently(
      reader, [] { return uint64_t{0}; },
      [&](const Record& r) -> Status {
        ++seen;
        in_order = in_order && r.ordinal == seen && r.values.size() == 2 &&
                   r.values[0] == std::to_string(seen) && r.values[1].size() == seen % 7 &&
                   *r.names == names;
        return Status::Ok();
      });
  CHECK(seen == kRecords);
  CHECK(in_order);
  CHECK(s.message() == "the reader's own error, after its records");

  // An error of the consumer stops the reader and is the one reported.
  uint64_t produced = 0;
  Status stopped = ReadConcurrently(
      [&](const RecordSink& sink) -> Status {
        Record r;
        r.names = &names;
        r.values = {"1", "x"};
        for (;;) {  // would never end on its own
          ++produced;
          TL_RETURN_IF_ERROR(sink(r));
        }
      },
      [] { return uint64_t{0}; },
      [&](const Record&) -> Status { return Status::NotFound("enough"); });
  CHECK(stopped.code() == StatusCode::kNotFound);
  CHECK(produced < 100000);
}
