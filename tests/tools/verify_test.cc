#include <catch2/catch.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"

using namespace tl::ledger;
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
