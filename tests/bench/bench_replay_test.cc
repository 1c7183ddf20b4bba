// `ticketledger bench replay` on small generated histories: it must run end to end, agree with
// the log on what it measured, and restart from checkpoints rather than rebuild. The figures
// themselves belong in docs/benchmarks.md, not in a test.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "ledger/store/event_log.h"
#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"

using namespace tl::testing;
namespace json = boost::json;

TEST_CASE("bench replay measures the baseline, replays, memory and restarts on a generated history",
          "[tools][bench]") {
  TempDir dir;
  auto run = RunCommand({BenchBinary(), "replay", "--dir", dir.str(), "--tickets", "300",
                         "--compare-tickets", "40", "--repeat", "1", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json::object figures = json::parse(run.out).as_object();

  // The large history is kept for the next run; its event count is the log's.
  auto log = OpenLog(dir.str() + "/tickets-300-seed-1");
  CHECK(figures.at("events").to_number<uint64_t>() == log->Head().seq.value());
  CHECK(figures.at("tickets").to_number<uint64_t>() >= 300);  // change tickets come on top
  CHECK(figures.at("compare_events").to_number<uint64_t>() <
        figures.at("events").to_number<uint64_t>());
  for (const char* key :
       {"raw_scan_decode_events_per_s", "replay_events_per_s", "replay_verified_events_per_s",
        "ratio_replay_vs_raw", "projection_bytes_per_ticket", "restart_seconds_small",
        "restart_seconds_large"}) {
    INFO(key);
    CHECK(figures.at(key).to_number<double>() > 0);
  }
}

TEST_CASE("bench replay refuses a folder it cannot write", "[tools][bench]") {
  auto run = RunCommand({BenchBinary(), "replay", "--dir", "/proc/no-such/dir", "--tickets", "10",
                         "--compare-tickets", "5", "--repeat", "1"});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("error"));
}
