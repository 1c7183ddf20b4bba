// `import` and `generate` write through the log's writer, so they fill the requester index in
// the key store as the API does (docs/privacy.md, "The requester index"): every requester of
// every ticket they write finds that ticket.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <variant>

#include "app/requester_lookup.h"
#include "ledger/domain/address.h"
#include "ledger/store/event_log.h"
#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

using namespace tl;
using namespace tl::ledger;
using namespace tl::testing;

namespace {

// Each requester the ledger in `dir` names (opened with, or updated to), with its tickets,
// checked against what the requester index finds for it; returns how many it checked.
size_t CheckEveryRequesterFindsItsTickets(const std::string& dir) {
  LogOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  auto log = OpenLog(dir, options);
  REQUIRE(log->keys() != nullptr);
  std::map<std::string, std::set<uint64_t>> tickets_of;
  for (const Event& e : AllEvents(*log)) {
    if (const auto* opened = std::get_if<TicketOpened>(&e.payload); opened) {
      if (!opened->requester.empty()) {
        tickets_of[NormalizeAddress(opened->requester)].insert(e.stream.ticket.value());
      }
    } else if (const auto* updated = std::get_if<Updated>(&e.payload);
               updated && updated->requester && !updated->requester->empty()) {
      tickets_of[NormalizeAddress(*updated->requester)].insert(e.stream.ticket.value());
    }
  }
  const app::RequesterLookup lookup(*log);
  for (const auto& [requester, tickets] : tickets_of) {
    INFO("requester " << requester);
    auto found = lookup.Tickets(requester);
    INFO(found.status().ToString());
    REQUIRE(found.ok());
    std::set<uint64_t> ids;
    for (TicketId t : *found) ids.insert(t.value());
    CHECK(ids == tickets);
  }
  return tickets_of.size();
}

}  // namespace

TEST_CASE("an import fills the requester index", "[tools][import][privacy]") {
  TempDir dir;
  auto run = RunCommand({TicketledgerBinary(), "import", "--data", dir.str(), "--format", "csv",
                         "--mapping", std::string(TL_MAPPINGS_DIR) + "/uci-incident-log.json",
                         "--no-progress", std::string(TL_IMPORT_SLICES_DIR) + "/uci_slice.csv"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(CheckEveryRequesterFindsItsTickets(dir.str()) > 0);
}

TEST_CASE("a generated history fills the requester index", "[tools][generate][privacy]") {
  TempDir dir;
  auto run = RunCommand({TicketledgerBinary(), "generate", "--data", dir.str(), "--tickets", "300",
                         "--days", "20", "--seed", "7"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(CheckEveryRequesterFindsItsTickets(dir.str()) > 10);
}
