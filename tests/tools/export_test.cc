// `ticketledger export`: the log for auditors and other systems, read back with other tools.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <sstream>

#include "server/event_json.h"
#include "tests/support/fixtures.h"
#include "tests/support/random_history.h"
#include "tests/support/subprocess.h"
#include "tests/support/tamper.h"

using namespace tl::ledger;
using namespace tl::testing;
namespace json = boost::json;

namespace {

Seq WriteHistory(const TempDir& dir, uint64_t seed, size_t tickets) {
  auto head = WriteRandomHistory(dir.str(), seed, tickets);
  REQUIRE(head.ok());
  return *head;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("an ndjson export is the API's history items, one event a line", "[tools][export]") {
  TempDir dir;
  const Seq head = WriteHistory(dir, 8, 40);
  auto run =
      RunCommand({TicketledgerBinary(), "export", "--data", dir.str(), "--format", "ndjson"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto lines = Lines(run.out);
  REQUIRE(lines.size() == head.value());
  // An export is the auditor's view: made without the data keys, so its personal fields are
  // null and marked sealed (docs/privacy.md), as the log reads them without keys.
  tl::ledger::LogOptions without_keys;
  without_keys.read_only = true;
  auto opened = tl::ledger::EventLog::Open(dir.str(), without_keys);
  REQUIRE(opened.ok());
  auto log = std::move(opened).value();
  size_t sealed = 0;
  for (Seq seq{1}; seq <= head; ++seq) {
    auto stored = log->ReadOne(seq);
    REQUIRE(stored.ok());
    INFO("seq " << seq);
    CHECK(json::parse(lines[seq.value() - 1]) == json::value(tl::server::EventToJson(*stored)));
    if (stored->event.personal == tl::ledger::PersonalData::kSealed) ++sealed;
  }
  CHECK(sealed > 0);

  auto range = RunCommand({TicketledgerBinary(), "export", "--data", dir.str(), "--format",
                           "ndjson", "--from-seq", "10", "--to-seq", "12"});
  REQUIRE(range.exit_code == 0);
  const auto some = Lines(range.out);
  REQUIRE(some.size() == 3);
  CHECK(json::parse(some[0]).at("seq") == 10);
  CHECK(json::parse(some[2]).at("seq") == 12);
  CHECK(json::parse(some[0]).at("prev_hash") == json::parse(lines[8]).at("hash"));
}

TEST_CASE("a capnp export is the stored bytes, and capnp decode reads every event from it",
          "[tools][export]") {
  TempDir dir;
  const Seq head = WriteHistory(dir, 9, 25);
  const std::string file = dir.Sub("events.bin");
  auto run = RunCommand(
      {TicketledgerBinary(), "export", "--data", dir.str(), "--format", "capnp", "--output", file});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::string exported;
  {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    REQUIRE(f);
    char buffer[65536];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) exported.append(buffer, n);
    std::fclose(f);
  }
  std::string stored;
  {
    auto log = OpenLog(dir.str());
    REQUIRE(log->ScanRaw(Seq{1}, head,
                         [&](Seq, std::string_view bytes, const Hash&) {
                           stored += bytes;
                           return tl::Status::Ok();
                         })
                .ok());
  }
  CHECK(exported == stored);

  // Cap'n Proto's own tool, with the schema from the source tree.
  auto decoded =
      RunCommand({TL_CAPNP_BIN, "decode", "--short",
                  std::string(TL_SOURCE_DIR) + "/ledger/store/schema/events.capnp", "Event"},
                 exported);
  INFO(decoded.err);
  REQUIRE(decoded.exit_code == 0);
  const auto messages = Lines(decoded.out);
  REQUIRE(messages.size() == head.value());
  for (Seq seq : {Seq{1}, Seq{head.value() / 2}, head}) {
    CHECK_THAT(messages[seq.value() - 1],
               Catch::StartsWith("(seq = " + std::to_string(seq.value()) + ","));
  }
  CHECK_THAT(messages[0], Catch::Contains("queueDefined"));
  CHECK_THAT(decoded.out, Catch::Contains("opened = (service = "));
}

TEST_CASE("an export stops at a damaged event and names its seq", "[tools][export]") {
  TempDir dir;
  WriteHistory(dir, 10, 20);
  FlipEventByte(dir.str(), 25);  // still a valid message, no longer what was hashed
  for (const char* format : {"ndjson", "capnp"}) {
    auto run =
        RunCommand({TicketledgerBinary(), "export", "--data", dir.str(), "--format", format});
    INFO(format);
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Catch::Contains("seq 25"));
  }
  auto usage = RunCommand({TicketledgerBinary(), "export", "--data", dir.str(), "--format", "xml"});
  CHECK(usage.exit_code == 2);
}
