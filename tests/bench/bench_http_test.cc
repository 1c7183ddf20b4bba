// `ticketledger bench http` on a small generated history: every request it measures must be
// answered as the API answers a real client (200 for the GETs, 201 for the durable POSTs), or
// its figures would measure error paths. The figures themselves belong in docs/benchmarks.md.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"

using namespace tl::testing;
namespace json = boost::json;

namespace {

void CheckAnswered(const json::object& figures, const char* status) {
  CHECK(figures.at("errors").to_number<uint64_t>() == 0);
  CHECK(figures.at("ok").to_number<uint64_t>() > 0);
  const json::object& statuses = figures.at("statuses").as_object();
  CHECK(statuses.size() == 1);
  CHECK(statuses.contains(status));
}

}  // namespace

TEST_CASE("bench http measures reads and durable writes that the server answers 200 and 201",
          "[tools][bench]") {
  TempDir dir;
  auto run =
      RunCommand({BenchBinary(), "http", "--dir", dir.str(), "--tickets", "150",
                  "--compare-tickets", "0", "--seconds", "0.3", "--warmup", "0.1", "--repeat", "1",
                  "--connections", "2", "--post-connections", "4", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json::object out = json::parse(run.out).as_object();
  CHECK(out.at("history") == "generated");
  CHECK(out.at("history_tickets").to_number<uint64_t>() >= 150);
  const json::object& reads = out.at("reads").as_object();
  for (const char* scenario : {"bare", "dashboard", "response_times", "ticket"}) {
    INFO(scenario);
    CheckAnswered(reads.at(scenario).as_object(), "200");
  }
  CheckAnswered(out.at("post_actions").as_object(), "201");
}
