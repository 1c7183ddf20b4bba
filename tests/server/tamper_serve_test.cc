// Damage made to a stopped ledger with RocksDB's own `ldb`, as an attacker with file access
// would, against the real server on restart (docs/operations.md, "Integrity at start"): each
// kind of damage is found (at start, or by the background walk), writes are refused with
// 503 ledger_corrupt, /readyz and /metrics say so, the altered event is never served (a read
// of it is 500 corruption naming its seq), and a witness running `audit monitor` sees a
// rollback that the ledger itself cannot.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "tests/server/api_support.h"
#include "tests/support/subprocess.h"
#include "tests/support/tamper.h"

namespace json = boost::json;
using tl::testing::Api;
using tl::testing::CommandOutput;
using tl::testing::HttpClient;
using tl::testing::RunCommand;
using tl::testing::ServerProcess;
using tl::testing::TempDir;
using tl::testing::TicketledgerBinary;

namespace {

uint64_t Head(Api& api) {
  return api.Client("auditor")
      .Get("/api/v1/audit/verify")
      .Json()
      .at("events")
      .to_number<uint64_t>();
}

// Waits (bounded) until the latest signed checkpoint covers the whole log.
void WaitForCheckpoint(Api& api) {
  const uint64_t head = Head(api);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto r = api.Client("reader").Get("/api/v1/audit/checkpoint");
    if (r.status == 200 && r.body.find("\n" + std::to_string(head) + "\n") != std::string::npos) {
      return;
    }
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Waits (bounded) until /readyz reports the ledger corrupt; returns its problem.
std::string WaitForCorrupt(Api& api) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto r = HttpClient(api.server.port()).Get("/readyz");
    INFO("readyz: " << r.status << " " << r.body << "\nserver stderr:\n" << api.server.Stderr());
    if (r.status == 503) {
      const json::value body = r.Json();
      if (body.at("integrity").at("state").as_string() == "corrupt") {
        return std::string(body.at("integrity").at("problem").as_string());
      }
    }
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Writes are refused, and the refusal appended nothing.
void ExpectWritesRefused(Api& api) {
  const uint64_t before = Head(api);
  auto r = api.Client("olga").Post("/api/v1/tickets", Api::TicketBody());
  CHECK(r.status == 503);
  CHECK(r.Json().at("error").at("code").as_string() == "ledger_corrupt");
  CHECK(Head(api) == before);
  const std::string metrics = HttpClient(api.server.port()).Get("/metrics").body;
  CHECK(metrics.find("\nticketledger_ledger_corrupt 1\n") != std::string::npos);
}

// The feed around `seq` and the history of `ticket` fail with 500 corruption naming the seq.
void ExpectNotServed(Api& api, uint64_t seq, uint64_t ticket) {
  HttpClient auditor = api.Client("auditor");
  const std::string names = "seq " + std::to_string(seq);
  auto feed = auditor.Get("/api/v1/events?after=" + std::to_string(seq - 1) + "&limit=5");
  CHECK(feed.status == 500);
  CHECK(feed.Json().at("error").at("code").as_string() == "corruption");
  CHECK_THAT(feed.body, Catch::Contains(names));
  auto history = auditor.Get("/api/v1/tickets/" + std::to_string(ticket) + "/history");
  CHECK(history.status == 500);
  CHECK_THAT(history.body, Catch::Contains(names));
}

ServerProcess::Options InDir(const std::string& dir, bool wait_until_ready) {
  ServerProcess::Options options;
  options.data_dir = dir;
  options.wait_until_ready = wait_until_ready;
  return options;
}

// A ledger in a folder of the test's own (it outlives each server process), with four tickets
// and a checkpoint signed over all of it, its server stopped.
struct Scenario {
  TempDir data;
  Api api;
  std::vector<uint64_t> tickets;
  std::vector<uint64_t> opened_at;  // the seq of each ticket's opening event
  Scenario() : api(InDir(data.str() + "/ledger", true)) {
    for (int i = 0; i < 4; ++i) {
      tickets.push_back(api.OpenTicket());
      auto history = api.Client("auditor").Get("/api/v1/tickets/" + std::to_string(tickets.back()) +
                                               "/history");
      opened_at.push_back(
          history.Json().at("events").as_array()[0].at("seq").to_number<uint64_t>());
    }
    WaitForCheckpoint(api);
    REQUIRE(api.server.Stop() == 0);
  }
  std::string dir() const { return data.str() + "/ledger"; }
  // Starts a server on the (damaged) ledger, waiting only until it serves.
  void Restart() {
    api.server.~ServerProcess();
    new (&api.server) ServerProcess(InDir(dir(), false));
    api.server.Start();
  }
};

}  // namespace

TEST_CASE("a flipped byte in a signed event is found, refused and never served",
          "[server][tamper][loopback]") {
  Scenario s;
  const uint64_t seq = s.opened_at[0];
  tl::testing::FlipEventByte(s.dir(), seq);
  s.Restart();
  CHECK_THAT(WaitForCorrupt(s.api), Catch::Contains("seq " + std::to_string(seq)));
  ExpectWritesRefused(s.api);
  ExpectNotServed(s.api, seq, s.tickets[0]);
  CHECK(s.api.server.Alive());
}

TEST_CASE("an event rewritten with the chain recomputed after it is found by the tree",
          "[server][tamper][loopback]") {
  Scenario s;
  const uint64_t seq = s.opened_at[1];
  std::string bytes = *tl::testing::RawGet(s.dir(), "events", tl::testing::SeqKeyOf(seq));
  bytes[bytes.size() - 3] ^= 0x01;
  tl::testing::RewriteEventWithChain(s.dir(), seq, bytes);
  // The chain alone now verifies; the tree does not.
  s.Restart();
  CHECK_THAT(WaitForCorrupt(s.api), Catch::Contains("seq " + std::to_string(seq)));
  ExpectWritesRefused(s.api);
  ExpectNotServed(s.api, seq, s.tickets[1]);
}

TEST_CASE("a deleted event is found and the log takes no writes", "[server][tamper][loopback]") {
  Scenario s;
  tl::testing::RawDelete(s.dir(), "events", tl::testing::SeqKeyOf(5));
  s.Restart();
  CHECK_THAT(WaitForCorrupt(s.api), Catch::Contains("seq 5"));
  ExpectWritesRefused(s.api);
}

TEST_CASE("a consistent truncation is found against the signed checkpoint at once",
          "[server][tamper][loopback]") {
  Scenario s;
  tl::testing::TruncateTail(s.dir(), 3);
  s.Restart();
  // Found before serving: the readiness answers corrupt from the first request on.
  auto ready = HttpClient(s.api.server.port()).Get("/readyz");
  CHECK(ready.status == 503);
  CHECK_THAT(ready.body, Catch::Contains("end"));
  ExpectWritesRefused(s.api);
}

TEST_CASE("a truncation that cuts the tree too is found against the signed checkpoint",
          "[server][tamper][loopback]") {
  Scenario s;
  tl::testing::TruncateTail(s.dir(), 3);
  tl::testing::TruncateTree(s.dir(), s.opened_at.back() + 1 - 3);
  s.Restart();
  auto ready = HttpClient(s.api.server.port()).Get("/readyz");
  CHECK(ready.status == 503);
  CHECK_THAT(ready.body, Catch::Contains("events are missing from its end"));
  ExpectWritesRefused(s.api);
}

TEST_CASE("a rollback that also removes the checkpoints is caught by a witness",
          "[server][tamper][loopback]") {
  Scenario s;
  // A witness remembers the checkpoint it saw before the damage.
  s.Restart();
  TempDir witness;
  const std::string key = witness.str() + "/vkey", token = witness.str() + "/token",
                    state = witness.str() + "/state";
  std::ofstream(key) << s.api.Client("reader").Get("/api/v1/audit/key").body;
  auto monitor = [&] {
    // Each server process of the test has tokens of its own.
    std::ofstream(token) << s.api.server.token("auditor") << "\n";
    return RunCommand({TicketledgerBinary(), "audit", "monitor", "--url",
                       "http://127.0.0.1:" + std::to_string(s.api.server.port()), "--token-file",
                       token, "--vkey", key, "--state", state, "--once"});
  };
  CommandOutput seen = monitor();
  INFO(seen.out << seen.err);
  REQUIRE(seen.exit_code == 0);
  const uint64_t head = Head(s.api);
  REQUIRE(s.api.server.Stop() == 0);

  // The attacker cuts the tail, the tree with it, and every checkpoint that covered it.
  tl::testing::TruncateTail(s.dir(), 5);
  tl::testing::TruncateTree(s.dir(), head - 5);
  for (uint64_t size = head - 4; size <= head; ++size) {
    tl::testing::RawDelete(s.dir(), "signed", tl::testing::SeqKeyOf(size));
  }
  s.Restart();
  // The ledger may now sign its shorter history; the witness refuses it.
  s.api.OpenTicket();
  WaitForCheckpoint(s.api);
  CommandOutput after = monitor();
  INFO(after.out << after.err);
  CHECK(after.exit_code == 1);
  CHECK_THAT(after.err, Catch::Contains("SHRINK") || Catch::Contains("FORK"));
}
