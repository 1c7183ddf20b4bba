// The key lifecycle's commands and checks (docs/privacy.md, "Backups and restores" and "Master
// key rotation"), through the real binary and server: `keys rotate` moves the key store to a
// new master key; a key store restored from before an erasure has the erasure applied again at
// start; `backup expire-keys` drops old key store copies, and a restore of such a backup says
// that its personal fields read sealed.
#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "ledger/privacy/key_store.h"
#include "ledger/privacy/master_key.h"
#include "tests/server/api_support.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace tl::testing;
using tl::privacy::KeyState;
using tl::privacy::KeyStore;
using tl::privacy::MasterKey;
namespace fs = std::filesystem;

constexpr const char* kRequester = "mk-lifecycle-5d1c@uni.no";

// Opens a ticket of kRequester as olga; returns its id.
uint64_t OpenTicketOfMarker(Api& api) {
  json::object body = Api::TicketBody();
  body["requester"] = kRequester;
  auto r = api.Client("olga").Post("/api/v1/tickets", body);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.Json().at("id").to_number<uint64_t>();
}

void Erase(Api& api, uint64_t ticket) {
  auto r = api.Client("admin").Post("/api/v1/privacy/erasures",
                                    json::object{{"ticket", ticket}, {"reason", "request 12"}});
  INFO(r.body);
  REQUIRE(r.status == 200);
}

json::value Ticket(Api& api, uint64_t id) {
  auto r = api.Client("olga").Get("/api/v1/tickets/" + std::to_string(id));
  INFO(r.body);
  REQUIRE(r.status == 200);
  return r.Json();
}

std::string Fingerprint(const std::string& key_file) {
  auto key = MasterKey::Load(key_file);
  REQUIRE(key.ok());
  return key->Fingerprint();
}

// The state of `ticket`'s key in the key store of `data` (the server stopped).
KeyState KeyStateOf(const std::string& data, const std::string& key_file, uint64_t ticket) {
  auto master = MasterKey::Load(key_file);
  REQUIRE(master.ok());
  tl::privacy::KeyStoreOptions options;
  options.create_if_missing = false;
  auto store = KeyStore::Open(data + "/keys", *master, options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  auto key = (*store)->Get(ticket);
  REQUIRE(key.ok());
  return key->state;
}

}  // namespace

TEST_CASE("keys rotate moves the key store to a new master key, and a second run is harmless",
          "[server][privacy][cli]") {
  TempDir dir;
  const std::string data = dir.Sub("data");
  uint64_t kept = 0, erased = 0;
  {
    ServerProcess::Options options;
    options.data_dir = data;
    Api api(options);
    kept = OpenTicketOfMarker(api);
    erased = OpenTicketOfMarker(api);
    Erase(api, erased);
  }
  const std::string old_key = data + "/master.key";
  const std::string new_key = dir.Sub("new.key");
  const std::string old_fingerprint = Fingerprint(old_key);

  auto same = RunCommand(
      {TicketledgerBinary(), "keys", "rotate", "--data", data, "--new-master-key", old_key});
  CHECK(same.exit_code == 2);
  auto rotate = RunCommand(
      {TicketledgerBinary(), "keys", "rotate", "--data", data, "--new-master-key", new_key});
  INFO(rotate.out << rotate.err);
  REQUIRE(rotate.exit_code == 0);
  // The new key file is made as the first start makes one: 32 bytes, owner only.
  struct stat st {};
  REQUIRE(::stat(new_key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  const std::string new_fingerprint = Fingerprint(new_key);
  CHECK_THAT(rotate.out, Catch::Contains("re-wrapped 1 data keys") &&
                             Catch::Contains(old_fingerprint) && Catch::Contains(new_fingerprint));

  // As after a crash that stopped it after its write: running it again finds the store on the
  // new key and only cleans up.
  auto again = RunCommand(
      {TicketledgerBinary(), "keys", "rotate", "--data", data, "--new-master-key", new_key});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("re-wrapped 0 data keys"));

  // The old key no longer opens the store: serve refuses to start.
  { std::ofstream tokens(dir.Sub("tokens")); }
  auto refused = RunCommand({TicketledgerBinary(), "serve", "--data", data, "--tokens",
                             dir.Sub("tokens"), "--listen", "127.0.0.1:0"});
  CHECK(refused.exit_code != 0);
  CHECK_THAT(refused.err, Catch::Contains("wrong_master_key") && Catch::Contains(new_fingerprint));

  // The new key reads the texts; the erased ticket stays erased.
  ServerProcess::Options options;
  options.data_dir = data;
  options.extra_args = {"--master-key", new_key};
  Api api(options, /*define_reference=*/false);
  CHECK(Ticket(api, kept).at("requester") == kRequester);
  // Loaded from the checkpoint written at the last shutdown, after the erasure.
  const json::value gone = Ticket(api, erased);
  INFO(json::serialize(gone));
  CHECK(gone.at("erased") == true);
  CHECK(gone.at("requester").is_null());
}

TEST_CASE("a key store restored from before an erasure has the erasure applied again at start",
          "[server][privacy][backup][loopback]") {
  TempDir dir;
  const std::string backups = dir.Sub("b");
  ServerProcess::Options options;
  options.extra_args = {"--backup-dir", backups};
  uint64_t erased = 0, kept = 0;
  std::string master_key;
  {
    Api api(options);
    erased = OpenTicketOfMarker(api);
    kept = OpenTicketOfMarker(api);
    HttpClient admin = api.Client("admin");
    REQUIRE(admin.Post("/api/v1/admin/backups", std::string()).status == 201);  // backup 1
    Erase(api, erased);
    REQUIRE(admin.Post("/api/v1/admin/backups", std::string()).status == 201);  // backup 2
    REQUIRE(api.server.Stop() == 0);
    master_key = dir.Sub("master.key");
    fs::copy_file(api.server.data_dir() + "/master.key", master_key);
  }
  // The latest backup's log, which holds the erasure, with the key store copy of backup 1,
  // taken before it: the erased ticket's key is live again.
  const std::string restored = dir.Sub("restored");
  auto restore =
      RunCommand({TicketledgerBinary(), "restore", "--backup-dir", backups, "--data", restored});
  INFO(restore.out << restore.err);
  REQUIRE(restore.exit_code == 0);
  fs::remove_all(restored + "/keys");
  fs::copy(backups + "/keys/1", restored + "/keys", fs::copy_options::recursive);
  REQUIRE(KeyStateOf(restored, master_key, erased) == KeyState::kLive);

  ServerProcess::Options on_restored;
  on_restored.data_dir = restored;
  on_restored.extra_args = {"--master-key", master_key};
  {
    Api api(on_restored, /*define_reference=*/false);
    const json::value gone = Ticket(api, erased);
    CHECK(gone.at("erased") == true);
    CHECK(gone.at("requester").is_null());
    CHECK(Ticket(api, kept).at("requester") == kRequester);
    CHECK_THAT(api.server.Stderr(), Catch::Contains("destroyed again the data keys") &&
                                        Catch::Contains("\"tickets\":1"));
  }
  CHECK(KeyStateOf(restored, master_key, erased) == KeyState::kErased);
  CHECK(KeyStateOf(restored, master_key, kept) == KeyState::kLive);
  // Nothing is left to re-erase at the next start, and the ticket loaded from the checkpoint
  // written at shutdown still reads erased.
  Api again(on_restored, /*define_reference=*/false);
  CHECK_THAT(again.server.Stderr(), !Catch::Contains("destroyed again"));
  CHECK(Ticket(again, erased).at("erased") == true);
}

TEST_CASE("backup expire-keys drops key store copies, and their restore says the fields are sealed",
          "[server][privacy][backup][cli]") {
  TempDir dir;
  const std::string data = dir.Sub("data");
  const std::string backups = dir.Sub("b");
  {
    ServerProcess::Options options;
    options.data_dir = data;
    Api api(options);
    OpenTicketOfMarker(api);
  }
  for (int i = 0; i < 2; ++i) {
    auto backup =
        RunCommand({TicketledgerBinary(), "backup", "--data", data, "--backup-dir", backups});
    INFO(backup.out << backup.err);
    REQUIRE(backup.exit_code == 0);
  }
  REQUIRE(fs::exists(backups + "/keys/1/CURRENT"));
  REQUIRE(fs::exists(backups + "/keys/2/CURRENT"));

  auto usage = RunCommand({TicketledgerBinary(), "backup", "expire-keys", "--backup-dir", backups});
  CHECK(usage.exit_code == 2);
  auto bad_age = RunCommand({TicketledgerBinary(), "backup", "expire-keys", "--backup-dir", backups,
                             "--older-than", "30"});
  CHECK(bad_age.exit_code == 2);
  auto no_such = RunCommand(
      {TicketledgerBinary(), "backup", "expire-keys", "--backup-dir", backups, "--id", "9"});
  CHECK(no_such.exit_code == 2);
  // Both backups are seconds old: a 30-day limit expires neither.
  auto young = RunCommand({TicketledgerBinary(), "backup", "expire-keys", "--backup-dir", backups,
                           "--older-than", "30d"});
  CHECK(young.exit_code == 0);
  CHECK_THAT(young.out, Catch::Contains("no key store copy to expire"));
  CHECK(fs::exists(backups + "/keys/1/CURRENT"));

  auto expire = RunCommand(
      {TicketledgerBinary(), "backup", "expire-keys", "--backup-dir", backups, "--id", "1"});
  INFO(expire.out << expire.err);
  REQUIRE(expire.exit_code == 0);
  CHECK_THAT(expire.out, Catch::Contains("expired the key store copy of backup 1"));
  CHECK_FALSE(fs::exists(backups + "/keys/1"));
  CHECK(fs::exists(backups + "/keys/2/CURRENT"));
  auto twice = RunCommand(
      {TicketledgerBinary(), "backup", "expire-keys", "--backup-dir", backups, "--id", "1"});
  CHECK(twice.exit_code == 0);
  CHECK_THAT(twice.out, Catch::Contains("no key store copy to expire"));

  // A restore of the expired backup says so; its ticket's fields read sealed.
  const std::string sealed = dir.Sub("sealed");
  auto restore = RunCommand({TicketledgerBinary(), "restore", "--backup-dir", backups,
                             "--backup-id", "1", "--data", sealed, "--json"});
  INFO(restore.out << restore.err);
  REQUIRE(restore.exit_code == 0);
  const json::value r = json::parse(restore.out);
  CHECK(r.at("keys_expired") == true);
  CHECK(r.at("sealed_tickets") == 1);
  CHECK_THAT(restore.err, Catch::Contains("read sealed") && Catch::Contains("all 1 tickets"));
  CHECK_FALSE(fs::exists(sealed + "/keys"));
  auto log = RunCommand({TicketledgerBinary(), "log", "--data", sealed, "--ticket", "1"});
  CHECK(log.exit_code == 0);
  CHECK_THAT(log.out, Catch::Contains("\"sealed\":true"));
  CHECK(log.out.find(kRequester) == std::string::npos);

  // The backup that kept its copy restores readable, and says nothing of sealed fields.
  const std::string readable = dir.Sub("readable");
  auto kept = RunCommand({TicketledgerBinary(), "restore", "--backup-dir", backups, "--backup-id",
                          "2", "--data", readable, "--json"});
  REQUIRE(kept.exit_code == 0);
  CHECK(json::parse(kept.out).at("keys_expired") == false);
  CHECK(fs::exists(readable + "/keys/CURRENT"));
}
