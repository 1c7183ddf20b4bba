// `ticketledger log`: a readable text form of a ticket's story, and ids and seqs that must be
// whole numbers (CLI11 alone reads "-5" into an unsigned option as 2^64-5).
#include <catch2/catch.hpp>
#include <sstream>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

using namespace tl::testing;

namespace {

// A small generated history (docs/generate.md), made once per test case.
std::string SmallLedger(const TempDir& dir) {
  const std::string data = dir.Sub("ledger");
  auto run = RunCommand({TicketledgerBinary(), "generate", "--data", data, "--tickets", "20",
                         "--days", "5", "--seed", "7"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  return data;
}

}  // namespace

TEST_CASE("log --format text tells a ticket's story one readable line per event", "[tools]") {
  TempDir dir;
  const std::string data = SmallLedger(dir);
  auto json = RunCommand({TicketledgerBinary(), "log", "--data", data, "--ticket", "1"});
  auto text = RunCommand(
      {TicketledgerBinary(), "log", "--data", data, "--ticket", "1", "--format", "text"});
  REQUIRE(json.exit_code == 0);
  REQUIRE(text.exit_code == 0);
  std::istringstream json_lines(json.out), text_lines(text.out);
  std::string j, t;
  int events = 0;
  while (std::getline(json_lines, j)) {
    REQUIRE(std::getline(text_lines, t));
    ++events;
    INFO(j << "\n" << t);
    // The same event: its seq and type, in a line that is not JSON.
    const std::string seq = j.substr(j.find("\"seq\":") + 6, j.find(',') - j.find("\"seq\":") - 6);
    CHECK_THAT(t, Catch::StartsWith("#" + seq + " v"));
    CHECK_THAT(t, Catch::Contains(" ticket/1 "));
    CHECK(t.front() != '{');
  }
  CHECK_FALSE(std::getline(text_lines, t));
  CHECK(events >= 2);
  CHECK_THAT(text.out, Catch::Contains(" opened by "));
  CHECK_THAT(text.out, Catch::Contains("service="));

  auto bad = RunCommand({TicketledgerBinary(), "log", "--data", data, "--format", "yaml"});
  CHECK(bad.exit_code != 0);
}

TEST_CASE("ids and seqs on the command line are whole numbers: negative ones are refused",
          "[tools]") {
  TempDir dir;
  const std::string data = SmallLedger(dir);
  struct Case {
    std::vector<std::string> args;
    std::string shown;
  };
  const std::vector<Case> cases = {
      {{"log", "--data", data, "--ticket", "-5"}, "-5"},
      {{"log", "--data", data, "--ticket", "0"}, "at least 1"},
      {{"log", "--data", data, "--from-seq", "-1"}, "-1"},
      {{"log", "--data", data, "--ticket", "1.5"}, "1.5"},
      {{"prove", "--data", data, "--seq", "-3"}, "-3"},
      {{"export", "--data", data, "--format", "ndjson", "--to-seq", "-2"}, "-2"},
      {{"replay", "--data", data, "--to-seq", "-9"}, "-9"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv{TicketledgerBinary()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto run = RunCommand(argv);
    INFO(c.args[0] << " " << c.args.back() << ": " << run.err);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.err, Catch::Contains(c.shown));
    CHECK(run.out.empty());
  }
}
