// `ticketledger backup` and `restore` (docs/operations.md, "Backups"): a stopped ledger's backup
// restores with its key and verifies; a running server's ledger is refused; a restore refuses
// a target that is not empty, and one that does not verify keeps nothing of what it wrote.
#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/fixtures.h"
#include "tests/support/http_client.h"
#include "tests/support/server_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/tamper.h"

using namespace tl::ledger;
using namespace tl::app;
using namespace tl::testing;
namespace fs = std::filesystem;

namespace {

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Waits until the server has signed a checkpoint (it signs within a second of growth; the
// deadline only bounds a broken server).
void AwaitSignedCheckpoint(ServerProcess& server) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  HttpClient reader(server.port(), server.token("reader"));
  while (reader.Get("/api/v1/audit/checkpoint").status != 200) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// A small ledger written without a server (no key, no signed checkpoint).
void WriteLedger(const std::string& dir) {
  auto log = OpenLog(dir);
  LogStateSource states(*log);
  CommandHandler handler(*log, states);
  DefineStandardReference(handler);
  auto opened = handler.Open(SupportTicket(), By("olga"));
  REQUIRE(opened.ok());
  REQUIRE(handler.Act(opened->id, Reply{"on it"}, By("olga")).ok());
}

}  // namespace

TEST_CASE("a stopped ledger's backup restores with its key and verifies its signed checkpoint",
          "[tools][backup]") {
  TempDir dir;
  ServerProcess server;
  server.Start();
  DefineStandardReferenceOverHttp(server.port(), server.token("admin"));
  AwaitSignedCheckpoint(server);

  // While the server holds the ledger, the offline backup is refused, and says what to do.
  auto refused = RunCommand(
      {TicketledgerBinary(), "backup", "--data", server.data_dir(), "--backup-dir", dir.Sub("b")});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("in use by another process") &&
                              Catch::Contains("POST /api/v1/admin/backups"));
  REQUIRE(server.Stop() == 0);

  auto backup = RunCommand({TicketledgerBinary(), "backup", "--data", server.data_dir(),
                            "--backup-dir", dir.Sub("b"), "--json"});
  INFO(backup.out << backup.err);
  REQUIRE(backup.exit_code == 0);
  const boost::json::value b = boost::json::parse(backup.out);
  CHECK(b.at("backup_id") == 1);
  const fs::path key = fs::path(dir.Sub("b")) / "signing.key";
  CHECK(Slurp(key) == Slurp(fs::path(server.data_dir()) / "signing.key"));
  CHECK((fs::status(key).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));

  auto restore = RunCommand({TicketledgerBinary(), "restore", "--backup-dir", dir.Sub("b"),
                             "--data", dir.Sub("restored"), "--json"});
  INFO(restore.out << restore.err);
  REQUIRE(restore.exit_code == 0);
  const boost::json::value r = boost::json::parse(restore.out);
  CHECK(r.at("ok") == true);
  CHECK(r.at("signature_checked") == true);
  CHECK(r.at("head") == b.at("seq"));
  CHECK(Slurp(fs::path(dir.Sub("restored")) / "signing.key") == Slurp(key));
  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", dir.Sub("restored")});
  CHECK(verify.exit_code == 0);
  CHECK_THAT(verify.out, Catch::Contains("whose signature verifies"));
}

TEST_CASE("restore refuses a target that is not empty and leaves it alone", "[tools][backup]") {
  TempDir dir;
  WriteLedger(dir.Sub("data"));
  REQUIRE(RunCommand({TicketledgerBinary(), "backup", "--data", dir.Sub("data"), "--backup-dir",
                      dir.Sub("b")})
              .exit_code == 0);
  fs::create_directories(dir.Sub("target"));
  std::ofstream(dir.Sub("target") + "/keep.txt") << "mine";
  auto run = RunCommand(
      {TicketledgerBinary(), "restore", "--backup-dir", dir.Sub("b"), "--data", dir.Sub("target")});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("not an empty directory"));
  CHECK(Slurp(dir.Sub("target") + "/keep.txt") == "mine");
  CHECK(std::distance(fs::directory_iterator(dir.Sub("target")), fs::directory_iterator()) == 1);
}

TEST_CASE("a restore of a damaged backup fails, says why, and keeps nothing", "[tools][backup]") {
  TempDir dir;
  WriteLedger(dir.Sub("data"));

  SECTION("a byte flipped in a backed-up file: the engine's checksum") {
    REQUIRE(RunCommand({TicketledgerBinary(), "backup", "--data", dir.Sub("data"), "--backup-dir",
                        dir.Sub("b")})
                .exit_code == 0);
    fs::path largest;
    for (const auto& entry : fs::recursive_directory_iterator(dir.Sub("b"))) {
      if (entry.path().extension() != ".sst") continue;
      if (largest.empty() || entry.file_size() > fs::file_size(largest)) largest = entry.path();
    }
    REQUIRE(!largest.empty());
    std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(64);
    file.put('\xff');
    file.close();
    auto run = RunCommand({TicketledgerBinary(), "restore", "--backup-dir", dir.Sub("b"), "--data",
                           dir.Sub("restored")});
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Catch::Contains("restore failed") && Catch::Contains("checksum"));
    CHECK(!fs::exists(dir.Sub("restored")));
  }
  SECTION("an event changed before the backup: the chain") {
    FlipEventByte(dir.Sub("data"), 3);
    REQUIRE(RunCommand({TicketledgerBinary(), "backup", "--data", dir.Sub("data"), "--backup-dir",
                        dir.Sub("b")})
                .exit_code == 0);
    fs::create_directories(dir.Sub("restored"));  // an empty target is kept, emptied again
    auto run = RunCommand({TicketledgerBinary(), "restore", "--backup-dir", dir.Sub("b"), "--data",
                           dir.Sub("restored")});
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Catch::Contains("does not verify: at seq 3"));
    CHECK(fs::is_empty(dir.Sub("restored")));
  }
}
