// Crash durability: a child process appends under load and is SIGKILLed at random moments;
// after reopening, everything acknowledged before the kill is there, the chain verifies and
// nothing half-written is visible.
#include <catch2/catch.hpp>
#include <csignal>
#include <random>
#include <sstream>
#include <thread>

#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"

using namespace tl::ledger;
using tl::testing::ChildProcess;
using tl::testing::OpenLog;
using tl::testing::TempDir;

TEST_CASE("appends acknowledged before SIGKILL survive it, round after round",
          "[log][crash][slow]") {
  // The write path with its tunings (the default) and without (docs/benchmarks.md, "Tuning").
  const std::string path = GENERATE("tuned", "plain");
  INFO("write path: " << path);
  TempDir dir;
  std::mt19937 rng(20261127);
  std::uniform_int_distribution<int> delay_ms(5, 250);
  constexpr int kRounds = 24;
  size_t total_acknowledged = 0;
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    std::string acks;
    {
      ChildProcess child({TL_CRASH_APPENDER, dir.str(), "8", path});
      // Wait for the first acknowledgement so that every round kills a writing process.
      while (acks.empty()) acks += child.Read(10'000);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
      child.Signal(SIGKILL);
      CHECK(child.Wait() == -SIGKILL);
      acks += child.ReadToEnd();
    }
    auto log = OpenLog(dir.str());
    std::istringstream lines(acks);
    uint64_t acked_seq = 0;  // the child prints numbers
    std::string id_text;
    size_t checked = 0;
    while (lines >> acked_seq >> id_text) {
      const Seq seq{acked_seq};
      auto id = EventId::Parse(id_text);
      REQUIRE(id.ok());
      auto record = log->LookupEventId(*id);
      REQUIRE(record.ok());
      REQUIRE(record->has_value());
      CHECK((*record)->seq == seq);
      auto event = log->ReadOne(seq);
      REQUIRE(event.ok());
      CHECK(event->event.event_id == *id);
      ++checked;
    }
    CHECK(checked > 0);
    total_acknowledged += checked;
    const VerifyReport report = log->Verify();
    INFO(report.reason);
    REQUIRE(report.ok);
    CHECK(report.events == log->Head().seq);
  }
  CHECK(total_acknowledged >= kRounds);
}
