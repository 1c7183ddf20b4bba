// `ticketledger-bench seal` and `erasure` run briefly: the sealing A/B measures both sides on
// the same history, and the erasure bench erases over HTTP on a generated ledger, each erasure
// really made. The figures belong in docs/benchmarks.md and docs/privacy.md, not in a test.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"

using namespace tl::testing;
namespace json = boost::json;

TEST_CASE("bench seal measures append and replay with and without the data keys",
          "[tools][bench][privacy]") {
  TempDir dir;
  auto run = RunCommand({BenchBinary(), "seal", "--dir", dir.str(), "--tickets", "200", "--seconds",
                         "0.2", "--threads", "4", "--repeat", "1", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json::object figures = json::parse(run.out).as_object();
  CHECK(figures.at("tickets").to_number<uint64_t>() >= 200);
  for (const char* key :
       {"append_1_nosync", "append_n_sync", "replay", "replay_without_key_cache"}) {
    INFO(key);
    const json::object& pair = figures.at(key).as_object();
    CHECK(pair.at("sealed_per_s").to_number<double>() > 0);
    CHECK(pair.at("plain_per_s").to_number<double>() > 0);
  }
  // The two histories are kept for the next run: the sealed one with its key store, the plain
  // one without.
  CHECK(std::filesystem::exists(dir.str() + "/sealed-tickets-200-seed-1/keys/CURRENT"));
  CHECK(std::filesystem::exists(dir.str() + "/plain-tickets-200-seed-1/CURRENT"));
  CHECK_FALSE(std::filesystem::exists(dir.str() + "/plain-tickets-200-seed-1/keys"));
}

TEST_CASE("bench erasure erases by ticket and by requester over HTTP on a generated ledger",
          "[tools][bench][privacy]") {
  TempDir dir;
  const std::string data = dir.Sub("ledger");
  auto generate = RunCommand(
      {TicketledgerBinary(), "generate", "--data", data, "--tickets", "150", "--seed", "3"});
  INFO(generate.err);
  REQUIRE(generate.exit_code == 0);
  auto run = RunCommand(
      {BenchBinary(), "erasure", "--data", data, "--samples", "2", "--seed", "7", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json::object figures = json::parse(run.out).as_object();
  CHECK(figures.at("by_ticket").at("samples") == 2);
  CHECK(figures.at("by_ticket").at("tickets_erased") == 2);
  CHECK(figures.at("by_requester").at("samples") == 2);
  CHECK(figures.at("by_requester").at("tickets_erased").to_number<uint64_t>() >= 2);
  CHECK(figures.at("by_ticket").at("max_s").to_number<double>() > 0);

  // The erasures are in the log: four requests, at least four events.
  auto log = RunCommand({TicketledgerBinary(), "log", "--data", data});
  REQUIRE(log.exit_code == 0);
  size_t erasures = 0;
  for (size_t at = log.out.find("personal_data_erased"); at != std::string::npos;
       at = log.out.find("personal_data_erased", at + 1)) {
    ++erasures;
  }
  CHECK(erasures >= 4);

  auto missing = RunCommand({BenchBinary(), "erasure", "--data", dir.Sub("none")});
  CHECK(missing.exit_code == 2);
}
