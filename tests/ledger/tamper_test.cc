// Tamper detection: any change to stored history, made through RocksDB behind the ledger's
// back, makes verification fail at exactly the seq that was touched, and readers fail with an
// error naming it instead of crashing or skipping.
#include "tests/support/tamper.h"

#include <catch2/catch.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"

using namespace tl::ledger;
using namespace tl::testing;

namespace {

// A closed log with 3 tickets and 12 events.
void BuildHistory(const std::string& dir) {
  auto log = OpenLog(dir);
  for (int t = 0; t < 3; ++t) {
    AppendRequest open;
    open.parts.push_back(
        StreamAppend{StreamId::NewTicket(),
                     std::nullopt,
                     {EventDraft{EventId::Random(), kMonday + t * kMinute, "olga", "olga",
                                 TicketOpened{"svc", Category::kSupport, "vpn", "Orakel", "r@x.no",
                                              Channel::kEmail, "", TicketId{}, ""}}}});
    auto opened = log->Append(open);
    REQUIRE(opened.ok());
    for (int i = 0; i < 3; ++i) {
      AppendRequest c;
      c.parts.push_back(
          StreamAppend{opened->stream,
                       std::nullopt,
                       {EventDraft{EventId::Random(), kMonday + kHour * (i + 1), "olga", "olga",
                                   Commented{"note " + std::to_string(i)}}}});
      REQUIRE(log->Append(c).ok());
    }
  }
  REQUIRE(log->Head().seq == Seq{12});
}

VerifyReport VerifyOffline(const std::string& dir) {
  LogOptions options;
  options.read_only = true;
  auto log = EventLog::Open(dir, options);
  REQUIRE(log.ok());
  return (*log)->Verify();
}

void ExpectVerifyFailsAt(const std::string& dir, Seq seq) {
  const VerifyReport report = VerifyOffline(dir);
  INFO(report.reason);
  CHECK_FALSE(report.ok);
  CHECK(report.bad_seq == seq);
  auto run = RunCommand({TicketledgerBinary(), "verify", "--data", dir});
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Catch::Contains("FAILED at seq " + std::to_string(seq.value())));
}

}  // namespace

TEST_CASE("an untouched log verifies", "[log][tamper]") {
  TempDir dir;
  BuildHistory(dir.str());
  CHECK(VerifyOffline(dir.str()).ok);
}

TEST_CASE("changing one byte of a stored event fails verification at that seq", "[log][tamper]") {
  TempDir dir;
  BuildHistory(dir.str());
  for (Seq seq : {Seq{1}, Seq{7}, Seq{12}}) {
    for (size_t offset : {size_t{3}, size_t{20}, size_t{100}}) {
      INFO("seq " << seq << " byte " << offset);
      TempDir copy;
      std::filesystem::copy(dir.path(), copy.path() / "db");
      const std::string db = copy.Sub("db");
      std::string value = *RawGet(db, "events", SeqKeyOf(seq.value()));
      REQUIRE(offset < value.size());
      value[offset] = static_cast<char>(value[offset] ^ 0x01);
      RawPut(db, "events", SeqKeyOf(seq.value()), value);
      ExpectVerifyFailsAt(db, seq);
    }
  }
}

TEST_CASE("deleting an event fails verification at its seq", "[log][tamper]") {
  TempDir dir;
  BuildHistory(dir.str());
  SECTION("in the middle") {
    RawDelete(dir.str(), "events", SeqKeyOf(5));
    ExpectVerifyFailsAt(dir.str(), Seq{5});
  }
  SECTION("the last one: the log still opens for reading, but refuses every append") {
    RawDelete(dir.str(), "events", SeqKeyOf(12));
    ExpectVerifyFailsAt(dir.str(), Seq{12});
    auto writable = EventLog::Open(dir.str());
    REQUIRE(writable.ok());
    AppendRequest open;
    open.parts.push_back(
        StreamAppend{StreamId::NewTicket(),
                     std::nullopt,
                     {EventDraft{EventId::Random(), kMonday, "olga", "olga",
                                 TicketOpened{"svc", Category::kSupport, "vpn", "Orakel", "r@x.no",
                                              Channel::kEmail, "", TicketId{}, ""}}}});
    auto refused = (*writable)->Append(open);
    CHECK(refused.status().code() == tl::StatusCode::kDataLoss);
    CHECK(refused.status().reason() == tl::reason::kLedgerCorrupt);
    CHECK((*writable)->Head().seq == Seq{12});  // as the head record says; nothing appended
  }
}

TEST_CASE("swapping two events fails verification at the first of them", "[log][tamper]") {
  TempDir dir;
  BuildHistory(dir.str());
  const std::string a = *RawGet(dir.str(), "events", SeqKeyOf(4));
  const std::string b = *RawGet(dir.str(), "events", SeqKeyOf(9));
  RawPut(dir.str(), "events", SeqKeyOf(4), b);
  RawPut(dir.str(), "events", SeqKeyOf(9), a);
  ExpectVerifyFailsAt(dir.str(), Seq{4});
}

TEST_CASE("a rewritten chain entry fails verification at that seq", "[log][tamper]") {
  TempDir dir;
  BuildHistory(dir.str());
  RawPut(dir.str(), "chain", SeqKeyOf(6), std::string(32, '\x42'));
  ExpectVerifyFailsAt(dir.str(), Seq{6});
}

TEST_CASE("readers name the seq of a corrupt event instead of crashing", "[log][tamper]") {
  TempDir dir;
  BuildHistory(dir.str());
  RawPut(dir.str(), "events", SeqKeyOf(6), "garbage that is not a message");
  LogOptions options;
  options.read_only = true;
  auto log = EventLog::Open(dir.str(), options);
  REQUIRE(log.ok());
  auto read = (*log)->Read(Seq{0}, 100);
  REQUIRE_FALSE(read.ok());
  CHECK(read.status().code() == tl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(read.status().message()), Catch::Contains("seq 6"));
  auto one = (*log)->ReadOne(Seq{6});
  CHECK_THAT(std::string(one.status().message()), Catch::Contains("seq 6"));
  auto stream = (*log)->ReadStream(StreamId::Ticket(TicketId{2}));  // seqs 5..8
  CHECK_THAT(std::string(stream.status().message()), Catch::Contains("seq 6"));
  auto run = RunCommand({TicketledgerBinary(), "log", "--data", dir.str()});
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains("seq 6"));
}
