// The key store: keys made, read back, kept across reopening and across a killed process;
// erased told apart from never made; the master key checked before anything is written; stored
// records bound to their ticket; and master key rotation.
#include "ledger/privacy/key_store.h"

#include <rocksdb/db.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ledger/privacy/master_key.h"
#include "tests/ledger/privacy/privacy_test_support.h"
#include "tests/ledger/privacy/require_ok.h"

using tl::StatusCode;
using tl::privacy::DataKey;
using tl::privacy::KeyLookup;
using tl::privacy::KeyState;
using tl::privacy::KeyStore;
using tl::privacy::MasterKey;
using tl::privacy::SecretKey;
using tl::privacy::testing::AsChars;
using tl::privacy::testing::TempDir;

namespace {

std::unique_ptr<KeyStore> OpenStore(const std::string& dir, const MasterKey& master) {
  auto store = KeyStore::Open(dir, master);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store).value();
}

KeyLookup Lookup(const KeyStore& store, uint64_t ticket) {
  auto found = store.Get(ticket);
  INFO(found.status().ToString());
  REQUIRE(found.ok());
  return std::move(found).value();
}

MasterKey NewMaster() { return MasterKey::FromSecret(SecretKey::Random()); }

// Rewrites one record of a closed store directly in RocksDB, as someone with the files could.
void TamperRecord(const std::string& dir, uint64_t ticket, const std::string& value) {
  rocksdb::Options options;
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(options, dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string key(1, 'k');
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>((ticket >> (8 * i)) & 0xff));
  REQUIRE(db->Put(rocksdb::WriteOptions(), key, value).ok());
  REQUIRE(db->Close().ok());
}

}  // namespace

TEST_CASE("a created key reads back and survives closing and reopening the store",
          "[privacy][key_store]") {
  TempDir tmp;
  const MasterKey master = NewMaster();
  DataKey created;
  {
    auto store = OpenStore(tmp.Sub("keys"), master);
    auto key = store->Create(42);
    REQUIRE(key.ok());
    created = *key;
    KeyLookup found = Lookup(*store, 42);
    CHECK(found.state == KeyState::kLive);
    CHECK(found.key == created);
  }
  auto reopened = OpenStore(tmp.Sub("keys"), master);
  KeyLookup found = Lookup(*reopened, 42);
  CHECK(found.state == KeyState::kLive);
  CHECK(found.key == created);
}

TEST_CASE("creating a key for a ticket that has one returns the same key", "[privacy][key_store]") {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("keys"), NewMaster());
  auto first = store->Create(7);
  auto again = store->Create(7);
  REQUIRE(first.ok());
  REQUIRE(again.ok());
  CHECK(*first == *again);
  CHECK_FALSE(*first == *store->Create(8));
}

TEST_CASE("CreateMany makes one key per ticket, the same one for a repeated id",
          "[privacy][key_store]") {
  TempDir tmp;
  const MasterKey master = NewMaster();
  const std::vector<uint64_t> tickets = {5, 1, 9, 1, 0, UINT64_MAX};
  std::vector<DataKey> keys;
  {
    auto store = OpenStore(tmp.Sub("keys"), master);
    REQUIRE_OK(store->Create(9));
    auto made = store->CreateMany(tickets);
    REQUIRE(made.ok());
    keys = *made;
    REQUIRE(keys.size() == tickets.size());
    CHECK(keys[1] == keys[3]);
    CHECK(keys[2] == Lookup(*store, 9).key);
    CHECK_FALSE(keys[0] == keys[1]);
  }
  auto store = OpenStore(tmp.Sub("keys"), master);
  for (size_t i = 0; i < tickets.size(); ++i) {
    KeyLookup found = Lookup(*store, tickets[i]);
    CHECK(found.state == KeyState::kLive);
    CHECK(found.key == keys[i]);
  }
}

TEST_CASE("a ticket never given a key reads as absent, a destroyed one as erased",
          "[privacy][key_store]") {
  TempDir tmp;
  const MasterKey master = NewMaster();
  {
    auto store = OpenStore(tmp.Sub("keys"), master);
    REQUIRE_OK(store->Create(1));
    REQUIRE_OK(store->Create(2));
    REQUIRE_OK(store->Destroy(1));
    CHECK(Lookup(*store, 1).state == KeyState::kErased);
    CHECK(Lookup(*store, 1).key == DataKey());
    CHECK(Lookup(*store, 2).state == KeyState::kLive);
    CHECK(Lookup(*store, 3).state == KeyState::kAbsent);
    auto record = store->StoredRecord(1);
    REQUIRE(record.ok());
    REQUIRE(record->has_value());
    CHECK(**record == std::string("\x01\x02", 2));  // the erased marker: no key bytes
  }
  auto store = OpenStore(tmp.Sub("keys"), master);
  CHECK(Lookup(*store, 1).state == KeyState::kErased);
  CHECK(Lookup(*store, 2).state == KeyState::kLive);
  CHECK(Lookup(*store, 3).state == KeyState::kAbsent);
}

TEST_CASE("destroying an erased or unknown ticket is fine, and doing it twice changes nothing",
          "[privacy][key_store]") {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("keys"), NewMaster());
  auto kept = store->Create(10);
  REQUIRE(kept.ok());
  REQUIRE_OK(store->Create(11));
  CHECK_OK(store->Destroy(11));
  CHECK_OK(store->Destroy(11));
  CHECK_OK(store->Destroy(std::vector<uint64_t>{11, 11, 12}));  // 12 never had a key
  CHECK_OK(store->Destroy(std::vector<uint64_t>{}));
  CHECK(Lookup(*store, 11).state == KeyState::kErased);
  CHECK(Lookup(*store, 12).state == KeyState::kErased);
  CHECK(Lookup(*store, 10).key == *kept);
}

TEST_CASE("a ticket whose key was destroyed gets no new key", "[privacy][key_store]") {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("keys"), NewMaster());
  REQUIRE_OK(store->Create(3));
  REQUIRE_OK(store->Destroy(3));
  auto again = store->Create(3);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == StatusCode::kFailedPrecondition);
  CHECK(again.status().reason() == "data_key_erased");
  // All or nothing: the batch with the erased ticket made no key for the others.
  auto batch = store->CreateMany(std::vector<uint64_t>{20, 3, 21});
  REQUIRE_FALSE(batch.ok());
  CHECK(Lookup(*store, 20).state == KeyState::kAbsent);
  CHECK(Lookup(*store, 21).state == KeyState::kAbsent);
}

TEST_CASE("ForEach visits live and erased tickets in id order", "[privacy][key_store]") {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("keys"), NewMaster());
  REQUIRE_OK(store->CreateMany(std::vector<uint64_t>{300, 2, 70000, 1}));
  REQUIRE_OK(store->Destroy(std::vector<uint64_t>{2, 5}));
  std::vector<std::pair<uint64_t, KeyState>> seen;
  REQUIRE(store
              ->ForEach([&](uint64_t ticket, KeyState state) {
                seen.emplace_back(ticket, state);
                return true;
              })
              .ok());
  const std::vector<std::pair<uint64_t, KeyState>> expected = {{1, KeyState::kLive},
                                                               {2, KeyState::kErased},
                                                               {5, KeyState::kErased},
                                                               {300, KeyState::kLive},
                                                               {70000, KeyState::kLive}};
  CHECK(seen == expected);
  int visited = 0;
  REQUIRE(store->ForEach([&](uint64_t, KeyState) { return ++visited < 2; }).ok());
  CHECK(visited == 2);
}

TEST_CASE("opening the store with another master key fails and changes no file",
          "[privacy][key_store]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("keys");
  const MasterKey right = NewMaster();
  const MasterKey wrong = NewMaster();
  DataKey key;
  {
    auto store = OpenStore(dir, right);
    key = *store->Create(1);
    REQUIRE_OK(store->Create(2));
    REQUIRE_OK(store->Destroy(2));
    REQUIRE_OK(store->Create(3));  // only in the WAL when the store closes
  }
  const auto before = tl::privacy::testing::Snapshot(dir);
  auto refused = KeyStore::Open(dir, wrong);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(refused.status().reason() == tl::privacy::kWrongMasterKey);
  const std::string message(refused.status().message());
  CHECK(message.find(right.Fingerprint()) != std::string::npos);
  CHECK(message.find(wrong.Fingerprint()) != std::string::npos);
  CHECK(tl::privacy::testing::Snapshot(dir) == before);

  auto store = OpenStore(dir, right);
  CHECK(Lookup(*store, 1).key == key);
  CHECK(Lookup(*store, 3).state == KeyState::kLive);
}

TEST_CASE("a store that does not exist is not created unless asked", "[privacy][key_store]") {
  TempDir tmp;
  tl::privacy::KeyStoreOptions options;
  options.create_if_missing = false;
  auto absent = KeyStore::Open(tmp.Sub("keys"), NewMaster(), options);
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.status().code() == StatusCode::kNotFound);
  CHECK_FALSE(std::filesystem::exists(tmp.Sub("keys")));
}

TEST_CASE("a store open in one place cannot be opened again until closed", "[privacy][key_store]") {
  TempDir tmp;
  const MasterKey master = NewMaster();
  auto store = OpenStore(tmp.Sub("keys"), master);
  auto second = KeyStore::Open(tmp.Sub("keys"), master);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == StatusCode::kUnavailable);
  store.reset();
  CHECK(KeyStore::Open(tmp.Sub("keys"), master).ok());
}

TEST_CASE("a wrapped key copied to another ticket, or altered, does not unwrap",
          "[privacy][key_store]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("keys");
  const MasterKey master = NewMaster();
  std::string record_of_1;
  {
    auto store = OpenStore(dir, master);
    REQUIRE_OK(store->CreateMany(std::vector<uint64_t>{1, 2, 3}));
    record_of_1 = **store->StoredRecord(1);
  }
  CHECK(record_of_1.size() == 75);
  TamperRecord(dir, 2, record_of_1);
  std::string flipped = record_of_1;
  flipped[40] = static_cast<char>(flipped[40] ^ 0x10);
  TamperRecord(dir, 1, flipped);
  TamperRecord(dir, 3, std::string("\x01\x07", 2));  // an unknown kind of record

  auto store = OpenStore(dir, master);
  for (uint64_t ticket : {1, 2, 3}) {
    INFO("ticket " << ticket);
    auto found = store->Get(ticket);
    REQUIRE_FALSE(found.ok());
    CHECK(found.status().code() == StatusCode::kDataLoss);
  }
}

TEST_CASE("keys acknowledged by a process that exits without closing the store are kept",
          "[privacy][key_store][crash]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("keys");
  const std::string key_file = tmp.Sub("master.key");
  REQUIRE(MasterKey::LoadOrCreate(key_file).ok());
  std::map<uint64_t, std::string> acknowledged;  // ticket -> digest of its key
  auto read_acknowledged = [&](tl::privacy::testing::Child& child, size_t at_most) {
    std::string line;
    size_t lines = 0;
    while (lines < at_most && child.ReadLine(&line)) {
      const size_t space = line.find(' ');
      REQUIRE(space != std::string::npos);
      acknowledged[std::stoull(line.substr(0, space))] = line.substr(space + 1);
      ++lines;
    }
    return lines;
  };

  SECTION("_exit after the last Create") {
    tl::privacy::testing::Child child({TL_PRIVACY_CRASH_HELPER, dir, key_file, "1", "50", "exit"});
    CHECK(read_acknowledged(child, SIZE_MAX) == 50);
    CHECK(child.Wait() == 0);
  }
  SECTION("SIGKILL while it creates keys") {
    tl::privacy::testing::Child child(
        {TL_PRIVACY_CRASH_HELPER, dir, key_file, "1000", "0", "kill"});
    REQUIRE(read_acknowledged(child, 40) == 40);
    child.Kill();
    read_acknowledged(child, SIZE_MAX);  // printed before the kill: acknowledged too
    CHECK(child.Wait() == -9);
  }

  auto master = MasterKey::Load(key_file);
  REQUIRE(master.ok());
  auto store = OpenStore(dir, *master);
  for (const auto& [ticket, digest] : acknowledged) {
    INFO("ticket " << ticket);
    KeyLookup found = Lookup(*store, ticket);
    REQUIRE(found.state == KeyState::kLive);
    CHECK(tl::privacy::testing::DigestHex(AsChars(found.key.bytes())) == digest);
  }
}

TEST_CASE("readers and creators running beside Destroy see every key live or erased, never lost",
          "[privacy][key_store][concurrency]") {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("keys"), NewMaster());
  std::vector<uint64_t> tickets(400);
  for (size_t i = 0; i < tickets.size(); ++i) tickets[i] = i + 1;
  auto made = store->CreateMany(tickets);
  REQUIRE(made.ok());
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(100 + t);
      while (!done.load()) {
        const uint64_t ticket = 1 + rng() % tickets.size();
        auto found = store->Get(ticket);
        if (!found.ok() || found->state == KeyState::kAbsent) ++errors;
        if (found.ok() && found->state == KeyState::kLive && !(found->key == (*made)[ticket - 1])) {
          ++errors;
        }
      }
    });
  }
  threads.emplace_back([&] {
    for (uint64_t ticket = 1000; !done.load(); ++ticket) {
      if (!store->Create(ticket).ok()) ++errors;
    }
  });
  std::mt19937 rng(99);
  std::set<uint64_t> destroyed;
  for (int round = 0; round < 10; ++round) {
    std::vector<uint64_t> batch;
    for (int i = 0; i < 5; ++i) batch.push_back(1 + rng() % tickets.size());
    REQUIRE_OK(store->Destroy(batch));
    destroyed.insert(batch.begin(), batch.end());
  }
  done = true;
  for (auto& thread : threads) thread.join();
  CHECK(errors.load() == 0);
  for (uint64_t ticket : tickets) {
    CHECK(Lookup(*store, ticket).state ==
          (destroyed.contains(ticket) ? KeyState::kErased : KeyState::kLive));
  }
}

TEST_CASE("rotating the master key re-wraps every live key and keeps erased ones erased",
          "[privacy][key_store][rotation]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("keys");
  const MasterKey old_key = NewMaster();
  const MasterKey new_key = NewMaster();
  std::vector<uint64_t> tickets(300);
  for (size_t i = 0; i < tickets.size(); ++i) tickets[i] = 10 * i + 1;
  std::vector<DataKey> keys;
  std::vector<std::string> old_records;
  {
    auto store = OpenStore(dir, old_key);
    keys = *store->CreateMany(tickets);
    REQUIRE_OK(store->Destroy(std::vector<uint64_t>{tickets[0], tickets[7]}));
    for (uint64_t ticket : tickets) old_records.push_back(**store->StoredRecord(ticket));
  }

  auto rewrapped = KeyStore::RewrapAll(dir, old_key, new_key);
  REQUIRE_OK(rewrapped);
  CHECK(*rewrapped == tickets.size() - 2);

  CHECK(KeyStore::Open(dir, old_key).status().reason() == tl::privacy::kWrongMasterKey);
  // No file still holds a key wrapped under the old master key.
  const auto files = tl::privacy::testing::ReadAllFiles(dir);
  for (size_t i = 0; i < tickets.size(); ++i) {
    if (old_records[i].size() < 75) continue;  // erased
    const std::string ciphertext = old_records[i].substr(2 + 25);
    for (const auto& [name, bytes] : files) {
      INFO("ticket " << tickets[i] << " in " << name);
      CHECK(bytes.find(ciphertext) == std::string::npos);
    }
  }
  {
    auto store = OpenStore(dir, new_key);
    for (size_t i = 0; i < tickets.size(); ++i) {
      KeyLookup found = Lookup(*store, tickets[i]);
      if (i == 0 || i == 7) {
        CHECK(found.state == KeyState::kErased);
      } else {
        CHECK(found.key == keys[i]);
      }
    }
  }
  // Running it again (as after a rotation that stopped after its write) only retires files.
  auto again = KeyStore::RewrapAll(dir, old_key, new_key);
  REQUIRE_OK(again);
  CHECK(*again == 0);
  // A key that is neither the old nor the new one is refused, and nothing is written.
  const auto before = tl::privacy::testing::Snapshot(dir);
  CHECK(KeyStore::RewrapAll(dir, NewMaster(), NewMaster()).status().reason() ==
        tl::privacy::kWrongMasterKey);
  CHECK(tl::privacy::testing::Snapshot(dir) == before);
}

namespace {

using tl::privacy::RequesterDigest;
using tl::privacy::TicketRequester;

RequesterDigest DigestOf(const KeyStore& store, const char* address) {
  auto digest = store.requester_index().RequesterKey(address);
  REQUIRE(digest.ok());
  return *digest;
}

std::vector<uint64_t> TicketsOf(const KeyStore& store, const char* address) {
  auto found = store.TicketsOfRequester(DigestOf(store, address));
  INFO(found.status().ToString());
  REQUIRE(found.ok());
  return *found;
}

}  // namespace

TEST_CASE("a key record holds its ticket's requester digests, and Destroy takes them away",
          "[privacy][key_store][requester_index]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("keys");
  const MasterKey master = NewMaster();
  auto store = OpenStore(dir, master);
  const RequesterDigest ann = DigestOf(*store, "ann@example.org");
  const RequesterDigest bob = DigestOf(*store, "bob@example.org");
  const std::vector<uint64_t> opened{1, 2, 3};
  const std::vector<std::vector<RequesterDigest>> requesters{{ann}, {bob}, {}};
  auto keys = store->CreateMany(opened, requesters);
  REQUIRE_OK(keys);
  // The address is found in any of the ways it may be written (one normalisation).
  CHECK(TicketsOf(*store, " MAILTO:Ann@Example.ORG ") == std::vector<uint64_t>{1});
  CHECK(TicketsOf(*store, "<bob@example.org>") == std::vector<uint64_t>{2});
  CHECK(TicketsOf(*store, "carl@example.org").empty());
  // A ticket opened without a requester has the record of before the index: no digests.
  auto plain = store->StoredRecord(3);
  REQUIRE_OK(plain);
  REQUIRE(plain->has_value());
  CHECK((*plain)->size() == 75);
  CHECK((*plain)->substr(0, 2) == std::string("\x01\x01", 2));

  // An update's requester: added to live records; an absent ticket is skipped.
  const std::vector<TicketRequester> updates{{3, ann}, {9, ann}, {1, ann}};
  REQUIRE_OK(store->AddRequesters(updates));
  CHECK(TicketsOf(*store, "ann@example.org") == std::vector<uint64_t>{1, 3});
  CHECK(Lookup(*store, 9).state == KeyState::kAbsent);
  CHECK(Lookup(*store, 3).key == (*keys)[2]);  // the key is the same, only wrapped anew
  // A retried creation keeps the key and adds what is new.
  const std::vector<uint64_t> retried{1};
  const std::vector<std::vector<RequesterDigest>> retried_requesters{{bob}};
  auto again = store->CreateMany(retried, retried_requesters);
  REQUIRE_OK(again);
  CHECK(again->front() == keys->front());
  CHECK(TicketsOf(*store, "bob@example.org") == std::vector<uint64_t>{1, 2});
  auto indexed = store->StoredRecord(1);
  REQUIRE_OK(indexed);
  CHECK((*indexed)->size() == 75 + 2 * 32);  // ann once, bob

  REQUIRE_OK(store->Destroy(1));
  CHECK(TicketsOf(*store, "ann@example.org") == std::vector<uint64_t>{3});
  CHECK(TicketsOf(*store, "bob@example.org") == std::vector<uint64_t>{2});
  CHECK(**store->StoredRecord(1) == std::string("\x01\x02", 2));
  // An erased ticket takes no digest.
  const std::vector<TicketRequester> late{{1, bob}};
  REQUIRE_OK(store->AddRequesters(late));
  CHECK(TicketsOf(*store, "bob@example.org") == std::vector<uint64_t>{2});

  store.reset();
  store = OpenStore(dir, master);
  CHECK(TicketsOf(*store, "ann@example.org") == std::vector<uint64_t>{3});
  CHECK(TicketsOf(*store, "bob@example.org") == std::vector<uint64_t>{2});
}

TEST_CASE("after a master key rotation the recorded requester digests still find their tickets",
          "[privacy][key_store][requester_index]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("keys");
  const MasterKey old_key = NewMaster();
  const MasterKey new_key = NewMaster();
  {
    auto store = OpenStore(dir, old_key);
    const std::vector<uint64_t> opened{1, 2};
    const std::vector<std::vector<RequesterDigest>> requesters{
        {DigestOf(*store, "ann@example.org")}, {DigestOf(*store, "bob@example.org")}};
    REQUIRE_OK(store->CreateMany(opened, requesters));
  }
  REQUIRE_OK(KeyStore::RewrapAll(dir, old_key, new_key));
  for (int round = 0; round < 2; ++round) {  // and again, as after a rotation cut short
    INFO("round " << round);
    {
      auto store = OpenStore(dir, new_key);
      CHECK(TicketsOf(*store, "ann@example.org") == std::vector<uint64_t>{1});
      CHECK(TicketsOf(*store, "bob@example.org") == std::vector<uint64_t>{2});
      // New digests are made with the same index key, not one derived from the new master key.
      CHECK(DigestOf(*store, "ann@example.org") !=
            *tl::privacy::RequesterIndex(new_key).RequesterKey("ann@example.org"));
    }
    REQUIRE_OK(KeyStore::RewrapAll(dir, old_key, new_key));
  }
}
