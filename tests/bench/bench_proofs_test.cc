// `ticketledger-bench proofs` on a tiny bulk history: every proof it measures must be answered
// 200 as the API answers an auditor, or its figures would measure error paths; the tree's bytes
// must be there and plausible (a tree holds a 32-byte hash per event). The figures themselves
// belong in docs/benchmarks.md ("Transparency log"), not in a test.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"

using namespace tl::testing;
namespace json = boost::json;

namespace {

void CheckAnswered(const json::object& figures) {
  CHECK(figures.at("errors").to_number<uint64_t>() == 0);
  CHECK(figures.at("ok").to_number<uint64_t>() > 0);
  CHECK(figures.at("p99_ms").to_number<double>() >= figures.at("p50_ms").to_number<double>());
  const json::object& statuses = figures.at("statuses").as_object();
  CHECK(statuses.size() == 1);
  CHECK(statuses.contains("200"));
}

void CheckBytes(const json::object& bytes, uint64_t events) {
  CHECK(bytes.at("events").to_number<uint64_t>() == events);
  // At least the leaf hashes; the events themselves are larger than their hashes.
  CHECK(bytes.at("tree_bytes_per_event").to_number<double>() >= 32);
  CHECK(bytes.at("events_bytes_per_event").to_number<double>() >
        bytes.at("tree_bytes_per_event").to_number<double>());
  const json::object& families = bytes.at("family_bytes").as_object();
  CHECK(families.contains("tree"));
  CHECK(families.contains("events"));
}

}  // namespace

TEST_CASE("bench proofs measures proofs the server answers 200, and the tree's bytes",
          "[tools][bench]") {
  TempDir dir;
  auto run = RunCommand({BenchBinary(), "proofs", "--dir", dir.str(), "--events", "3000",
                         "--single-commit-events", "600", "--seconds", "0.3", "--warmup", "0.1",
                         "--repeat", "1", "--connections", "2", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json::object out = json::parse(run.out).as_object();
  // About the events asked for: the history holds whole tickets.
  const uint64_t events = out.at("events").to_number<uint64_t>();
  CHECK(events > 2500);
  CHECK(events < 3500);
  for (const char* scenario : {"bare", "inclusion", "consistency"}) {
    INFO(scenario);
    CheckAnswered(out.at(scenario).as_object());
  }
  CHECK(out.at("integrity_walk_wait_seconds").to_number<double>() >= 0);
  CHECK(out.at("ratio_inclusion_vs_bare").to_number<double>() > 0);
  CHECK(out.at("ratio_consistency_vs_bare").to_number<double>() > 0);
  CheckBytes(out.at("bytes_bulk").as_object(), events);
  CheckBytes(out.at("bytes_single_commit").as_object(), 600);
}
