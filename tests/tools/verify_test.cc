#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"

using namespace tl::ledger;
using namespace tl::app;
using namespace tl::testing;

TEST_CASE("verify accepts a sound log and prints its head", "[tools][verify]") {
  TempDir dir;
  Hash head;
  {
    auto log = OpenLog(dir.str());
    LogStateSource states(*log);
    CommandHandler handler(*log, states);
    DefineStandardReference(handler);
    auto opened = handler.Open(SupportTicket(), By("olga"));
    REQUIRE(opened.ok());
    REQUIRE(handler.Act(opened->id, Reply{"on it"}, By("olga")).ok());
    head = log->Head().hash;
  }
  auto run = RunCommand({TicketledgerBinary(), "verify", "--data", dir.str()});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains(HashToHex(head)));
}

TEST_CASE("verify on a folder without a ledger is a usage error", "[tools][verify]") {
  TempDir dir;
  auto run = RunCommand({TicketledgerBinary(), "verify", "--data", dir.Sub("nothing")});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("no ledger"));
}

TEST_CASE("the tools name a folder they cannot look into instead of aborting", "[tools][verify]") {
  // A symlink to itself: looking for CURRENT in it fails with ELOOP, not "no such file", which
  // std::filesystem's throwing calls turned into an abort (as EACCES does for a user who may
  // not read the folder; the tests run as root, to whom EACCES never happens).
  TempDir dir;
  const std::string loop = dir.Sub("loop");
  std::filesystem::create_directory_symlink(loop, loop);
  for (const char* tool : {"verify", "log", "replay"}) {
    INFO(tool);
    auto run = RunCommand({TicketledgerBinary(), tool, "--data", loop});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::StartsWith("error: ") && Catch::Contains(loop));
  }
}

TEST_CASE("the version flag prints the version and exits 0, and no subcommand is a usage error",
          "[tools]") {
  auto version = RunCommand({TicketledgerBinary(), "--version"});
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::Matches("ticketledger [0-9]+\\.[0-9]+\\.[0-9]+\n"));
  auto none = RunCommand({TicketledgerBinary()});
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.err, Catch::Contains("subcommand"));
}
