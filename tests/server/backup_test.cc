// Backups over HTTP (docs/api.md, "Backups"): one taken while 32 clients write restores to a
// ledger that verifies and holds every write acknowledged before the backup was asked for;
// only admins may take or list them; a server without --backup-dir says so.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "tests/server/api_support.h"
#include "tests/support/subprocess.h"

using namespace tl::testing;
namespace json = boost::json;

namespace {

// The feed (/api/v1/events) as seq -> the event's JSON text.
std::map<uint64_t, std::string> Feed(uint16_t port, const std::string& auditor_token) {
  HttpClient auditor(port, auditor_token);
  std::map<uint64_t, std::string> out;
  uint64_t after = 0;
  while (true) {
    auto r = auditor.Get("/api/v1/events?limit=10000&after=" + std::to_string(after));
    REQUIRE(r.status == 200);
    const json::array events = r.Json().at("events").as_array();
    if (events.empty()) return out;
    for (const json::value& e : events) {
      after = e.at("seq").to_number<uint64_t>();
      out[after] = json::serialize(e);
    }
  }
}

// Waits until the server has signed a checkpoint, so that the restore checks a signature (the
// server signs within a second of growth; the deadline only bounds a broken server).
void AwaitSignedCheckpoint(Api& api) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  HttpClient reader = api.Client("reader");
  while (reader.Get("/api/v1/audit/checkpoint").status != 200) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

TEST_CASE("a backup taken under 32 writers restores to a ledger holding every acknowledged write",
          "[server][backup][loopback]") {
  TempDir backups;
  ServerProcess::Options options;
  options.extra_args = {"--backup-dir", backups.Sub("b")};
  Api api(options);
  constexpr int kClients = 32, kActions = 25;
  std::vector<uint64_t> tickets;
  for (int c = 0; c < kClients; ++c) tickets.push_back(api.OpenTicket("campus"));
  AwaitSignedCheckpoint(api);

  std::mutex mu;
  std::map<uint64_t, std::string> acked;  // seq -> the comment's body
  std::vector<std::string> unexpected;
  std::atomic<int> finished{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(api.server.port(), api.server.token("agent"));
      for (int i = 0; i < kActions; ++i) {
        const std::string body = "client " + std::to_string(c) + " comment " + std::to_string(i);
        auto r = client.Post("/api/v1/tickets/" + std::to_string(tickets[c]) + "/actions",
                             json::object{{"type", "comment"}, {"body", body}});
        std::lock_guard lock(mu);
        if (r.status == 201) {
          acked[r.Json().at("seq").to_number<uint64_t>()] = body;
        } else {
          unexpected.push_back(std::to_string(r.status) + " " + r.body);
        }
      }
      ++finished;
    });
  }
  auto acked_count = [&] {
    std::lock_guard lock(mu);
    return acked.size();
  };
  while (acked_count() < kClients * kActions / 4 && finished < kClients) {
    std::this_thread::yield();
  }
  // Every write acknowledged before the backup is asked for must be in it.
  std::map<uint64_t, std::string> acked_before;
  {
    std::lock_guard lock(mu);
    acked_before = acked;
  }
  HttpClient admin = api.Client("admin");
  auto backup = admin.Post("/api/v1/admin/backups", std::string());
  for (auto& t : clients) t.join();
  INFO(backup.body);
  REQUIRE(backup.status == 201);
  INFO((unexpected.empty() ? "" : unexpected.front()));
  CHECK(unexpected.empty());
  const json::value b = backup.Json();
  const uint64_t backup_seq = b.at("seq").to_number<uint64_t>();
  CHECK(b.at("backup_id").to_number<uint64_t>() == 1);
  CHECK(b.at("size_bytes").to_number<uint64_t>() > 0);
  CHECK(b.at("created_at").as_string().ends_with("Z"));
  CHECK(backup_seq >= acked_before.rbegin()->first);
  CHECK(acked.size() == kClients * kActions);  // every write was acknowledged

  auto listed = admin.Get("/api/v1/admin/backups");
  REQUIRE(listed.status == 200);
  REQUIRE(listed.Json().at("backups").as_array().size() == 1);
  CHECK(listed.Json().at("backups").at(0) == b);

  const auto original = Feed(api.server.port(), api.server.token("auditor"));
  REQUIRE(api.server.Stop() == 0);
  // The master key is never in a backup (docs/privacy.md, "Backups"): the operator keeps it.
  const std::string master_key = backups.Sub("master.key");
  std::filesystem::copy_file(api.server.data_dir() + "/master.key", master_key);

  const std::string restored_dir = backups.Sub("restored");
  auto restore = RunCommand(
      {TicketledgerBinary(), "restore", "--backup-dir", backups.Sub("b"), "--data", restored_dir});
  INFO(restore.out << restore.err);
  REQUIRE(restore.exit_code == 0);
  CHECK_THAT(restore.out, Catch::Contains("its signature with the restored key"));
  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", restored_dir});
  CHECK(verify.exit_code == 0);

  CHECK_FALSE(std::filesystem::exists(restored_dir + "/master.key"));
  CHECK(std::filesystem::exists(restored_dir + "/keys/CURRENT"));
  ServerProcess::Options on_restored;
  on_restored.data_dir = restored_dir;
  on_restored.extra_args = {"--master-key", master_key};
  Api restored(on_restored, /*define_reference=*/false);
  const auto feed = Feed(restored.server.port(), restored.server.token("auditor"));
  REQUIRE(!feed.empty());
  CHECK(feed.rbegin()->first >= backup_seq);
  for (const auto& [seq, body] : acked_before) {
    INFO("seq " << seq);
    REQUIRE(feed.count(seq) == 1);
    CHECK_THAT(feed.at(seq), Catch::Contains(body));
  }
  // The restored log is the original's prefix, event for event.
  for (const auto& [seq, event] : feed) {
    INFO("seq " << seq);
    REQUIRE(original.count(seq) == 1);
    CHECK(original.at(seq) == event);
  }
}

TEST_CASE("only admins take or list backups", "[server][backup][loopback]") {
  TempDir backups;
  ServerProcess::Options options;
  options.extra_args = {"--backup-dir", backups.Sub("b")};
  Api api(options);
  for (const char* who : {"agent", "reader", "auditor"}) {
    INFO(who);
    HttpClient client = api.Client(who);
    CHECK(client.Post("/api/v1/admin/backups", std::string()).status == 403);
    CHECK(client.Get("/api/v1/admin/backups").status == 403);
  }
  HttpClient admin = api.Client("admin");
  auto none = admin.Get("/api/v1/admin/backups");
  REQUIRE(none.status == 200);
  CHECK(none.Json().at("backups").as_array().empty());
  CHECK(admin.Post("/api/v1/admin/backups", std::string()).status == 201);
  CHECK(admin.Post("/api/v1/admin/backups", std::string()).Json().at("backup_id") == 2);
}

TEST_CASE("a server without --backup-dir refuses backups with 409 backups_not_configured",
          "[server][backup][loopback]") {
  Api api;
  HttpClient admin = api.Client("admin");
  auto taken = admin.Post("/api/v1/admin/backups", std::string());
  CHECK(taken.status == 409);
  CHECK(taken.ErrorCode() == "backups_not_configured");
  auto listed = admin.Get("/api/v1/admin/backups");
  CHECK(listed.status == 409);
  CHECK(listed.ErrorCode() == "backups_not_configured");
}
