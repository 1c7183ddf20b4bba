// The erasure scan: after Destroy returns, no byte of a destroyed key is left in any file under
// the key store's directory, in any form (raw, hex, base64; the key itself, its wrapped record
// and every version of it, and the requester index digests the record held), whether the key
// was in a table file, in the WAL or in the memtable, with each compression this RocksDB
// supports; and the keys and digests kept are still there.
//
// The scan only means something if it can see keys that are there: a positive control runs with
// every scan. Before Destroy every key's wrapped ciphertext must be seen by the same scan, and
// after it every kept one must still be. The scan reads every file's raw bytes (Snappy and LZ4
// keep random bytes as literals, so these show their tables' values too) and, where sst_dump is
// installed (rocksdb-tools), every entry of every table file decompressed, hidden versions
// included: the only view of a zstd table, whose literals are Huffman-coded.
#include <rocksdb/db.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ledger/privacy/key_store.h"
#include "ledger/privacy/master_key.h"
#include "tests/ledger/privacy/privacy_test_support.h"
#include "tests/ledger/privacy/require_ok.h"

using tl::privacy::Compression;
using tl::privacy::KeyState;
using tl::privacy::KeyStore;
using tl::privacy::KeyStoreOptions;
using tl::privacy::MasterKey;
using tl::privacy::SecretKey;
using tl::privacy::testing::AsChars;
using tl::privacy::testing::Base64;
using tl::privacy::testing::Hex;
using tl::privacy::testing::TempDir;

namespace {

// A live record: version, kind, the sealed key, then 32 bytes per requester digest
// (key_store.h).
constexpr size_t kRecordBytes = 75;
constexpr size_t kSealedKeyBytes = 73;
constexpr size_t kCiphertextAt = 2 + 25;  // after version, kind, sealed version and nonce
constexpr size_t kCiphertextBytes = 48;   // the wrapped key's ciphertext and tag

using tl::privacy::RequesterDigest;
using tl::privacy::TicketRequester;

struct Secret {
  std::string key;                   // the 32 raw bytes of the data key
  std::vector<std::string> records;  // every stored record, oldest first (each wraps anew)
  std::vector<std::string> digests;  // the requester digests the record holds
  // The latest wrapped key's ciphertext and tag: random, so found only where the record is.
  std::string Ciphertext() const { return records.back().substr(kCiphertextAt, kCiphertextBytes); }
};

// Every form of a secret that must not survive its Destroy.
std::vector<std::pair<std::string, std::string>> Forms(const Secret& s) {
  std::vector<std::pair<std::string, std::string>> plain{{"key", s.key}};
  for (const std::string& record : s.records) {
    plain.emplace_back("record", record);
    plain.emplace_back("sealed key", record.substr(2, kSealedKeyBytes));
    plain.emplace_back("ciphertext", record.substr(kCiphertextAt, kCiphertextBytes));
  }
  for (const std::string& digest : s.digests) plain.emplace_back("requester digest", digest);
  // A write-ahead log file is written in 32 KiB blocks, each with a 7-byte header, and a record
  // may straddle two: its bytes are then in the file with a header in between. One half of each
  // random string is then still whole; 16 random bytes or more are found nowhere by chance.
  for (size_t i = 0, n = plain.size(); i < n; ++i) {
    const auto [name, bytes] = plain[i];
    plain.emplace_back(name + " (first half)", bytes.substr(0, bytes.size() / 2));
    plain.emplace_back(name + " (second half)", bytes.substr(bytes.size() / 2));
  }
  std::vector<std::pair<std::string, std::string>> forms;
  for (const auto& [name, bytes] : plain) {
    forms.emplace_back(name, bytes);
    forms.emplace_back(name + " in hex", Hex(bytes));
    forms.emplace_back(name + " in HEX", Hex(bytes, /*upper=*/true));
    forms.emplace_back(name + " in base64", Base64(bytes));
    forms.emplace_back(name + " in base64url", Base64(bytes, /*url_safe=*/true));
  }
  return forms;
}

using Files = std::map<std::string, std::string>;

// "file: form" for the first form of `s` found in `files`, "" when none is.
std::string FindAnyForm(const Files& files, const Secret& s) {
  for (const auto& [form, bytes] : Forms(s)) {
    for (const auto& [name, content] : files) {
      if (content.find(bytes) != std::string::npos) return name + ": " + form;
    }
  }
  return "";
}

bool FoundIn(const Files& files, const std::string& bytes) {
  return std::any_of(files.begin(), files.end(), [&](const auto& file) {
    return file.second.find(bytes) != std::string::npos;
  });
}

// Every table file of `dir` decompressed (privacy_test_support.h); empty when sst_dump is not
// installed.
std::string DecompressedTables(const std::string& dir, const std::string& scratch) {
  return tl::privacy::testing::DecompressedTables(TL_SST_DUMP, dir, scratch);
}

class ScanFixture {
 public:
  // `erasure_group_bytes`: see KeyStoreOptions; small, it makes Destroy work in many groups.
  explicit ScanFixture(Compression compression, uint64_t erasure_group_bytes = 4u << 20)
      : dir_(tmp_.Sub("keys")), master_(MasterKey::FromSecret(SecretKey::Random())) {
    options_.compression = compression;
    options_.erasure_group_bytes = erasure_group_bytes;
  }

  std::unique_ptr<KeyStore> Open() {
    auto store = KeyStore::Open(dir_, master_, options_);
    INFO(store.status().ToString());
    REQUIRE(store.ok());
    return std::move(store).value();
  }

  // Creates keys for [first, first + count) in batches, as tickets would be opened, each with
  // a requester digest of its own (every fourth with two), and notes each key, record and
  // digest.
  void Create(KeyStore& store, uint64_t first, uint64_t count) {
    for (uint64_t start = first; start < first + count; start += 50) {
      std::vector<uint64_t> batch;
      std::vector<std::vector<RequesterDigest>> requesters;
      for (uint64_t t = start; t < std::min(first + count, start + 50); ++t) {
        batch.push_back(t);
        requesters.push_back({NewDigest()});
        if (t % 4 == 0) requesters.back().push_back(NewDigest());
      }
      auto keys = store.CreateMany(batch, requesters);
      REQUIRE(keys.ok());
      for (size_t i = 0; i < batch.size(); ++i) {
        Secret& secret = secrets_[batch[i]];
        secret.key = std::string(AsChars((*keys)[i].bytes()));
        for (const RequesterDigest& digest : requesters[i]) {
          secret.digests.emplace_back(AsChars(digest));
        }
        NoteRecord(store, batch[i]);
      }
    }
  }

  // Adds a requester digest to each of `tickets`, as an update of the requester does.
  void AddRequester(KeyStore& store, const std::vector<uint64_t>& tickets) {
    std::vector<TicketRequester> entries;
    for (uint64_t ticket : tickets) entries.push_back({ticket, NewDigest()});
    REQUIRE(store.AddRequesters(entries).ok());
    for (const TicketRequester& entry : entries) {
      secrets_[entry.ticket].digests.emplace_back(AsChars(entry.digest));
      NoteRecord(store, entry.ticket);
    }
  }

  const std::string& dir() const { return dir_; }
  const TempDir& tmp() const { return tmp_; }
  const std::map<uint64_t, Secret>& secrets() const { return secrets_; }

 private:
  static RequesterDigest NewDigest() {
    const SecretKey random = SecretKey::Random();
    RequesterDigest digest{};
    std::copy(random.bytes().begin(), random.bytes().end(), digest.begin());
    return digest;
  }

  void NoteRecord(const KeyStore& store, uint64_t ticket) {
    Secret& secret = secrets_[ticket];
    auto record = store.StoredRecord(ticket);
    REQUIRE(record.ok());
    REQUIRE(record->has_value());
    REQUIRE((*record)->size() == kRecordBytes + 32 * secret.digests.size());
    // The digests are stored as they are, after the wrapped key.
    for (const std::string& digest : secret.digests) {
      REQUIRE((*record)->find(digest, kRecordBytes) != std::string::npos);
    }
    secret.records.push_back(**record);
  }

  TempDir tmp_;
  std::string dir_;
  MasterKey master_;
  KeyStoreOptions options_;
  std::map<uint64_t, Secret> secrets_;
};

std::string BigEndian(uint64_t value) {
  std::string bytes;
  for (int i = 7; i >= 0; --i) bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  return bytes;
}

// Writes into a closed store what Destroy writes before it flushes (key_store.h): its intent,
// the pending erasure of `ticket` (synced), and, if `with_erased_record`, the erased record. The
// files are then as a process that died at that point leaves them.
void WriteErasureAsIfCutShort(const std::string& dir, uint64_t ticket, bool with_erased_record) {
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::Options(), dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  std::string intent(1, '\x01');  // version 1, then the tickets
  intent += BigEndian(ticket);
  REQUIRE(db->Put(sync, "m.pending_erasure", intent).ok());
  if (with_erased_record) {
    std::string key(1, 'k');
    key += BigEndian(ticket);
    REQUIRE(db->Put(sync, key, std::string("\x01\x02", 2)).ok());
  }
  REQUIRE(db->Close().ok());
}

const char* NameOf(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "?";
}

}  // namespace

TEST_CASE("after Destroy no file under the key store holds any form of a destroyed key",
          "[privacy][key_store][erasure]") {
  const Compression compression =
      GENERATE(Compression::kNone, Compression::kSnappy, Compression::kLz4, Compression::kZstd);
  INFO("compression " << NameOf(compression));
  if (!KeyStore::CompressionSupported(compression)) {
    WARN("this RocksDB cannot write " << NameOf(compression) << ": not tested");
    return;
  }
  // Snappy and LZ4 store bytes they cannot compress as literals, so a scan of the raw files
  // sees them; zstd also Huffman-codes its literals, so only the decompressed tables show what
  // a zstd table file holds.
  const bool raw_scan_sees_tables = compression != Compression::kZstd;
  const bool can_decompress = !std::string(TL_SST_DUMP).empty();
  if (!raw_scan_sees_tables && !can_decompress) {
    WARN("sst_dump is not installed: " << NameOf(compression) << " tables cannot be read");
    return;
  }
  if (!can_decompress) WARN("sst_dump is not installed: table files not read decompressed");

  // No table data allowed between two tickets of a group: the 90 tickets erased in one call
  // below, scattered over a store of some 90 KiB, are flushed and compacted in some 20 groups
  // (those in one data block still share one), as a large store's would be.
  ScanFixture fixture(compression, /*erasure_group_bytes=*/0);
  // What a scan sees: every file's raw bytes, and every table file's entries decompressed.
  struct Scan {
    Files files;
    std::string tables;  // lower-case hex, "" without sst_dump
    // Whole, or (in a WAL record that straddles two blocks: see Forms) by one of its halves.
    bool Shows(const std::string& bytes) const {
      const std::string halves[] = {bytes.substr(0, bytes.size() / 2),
                                    bytes.substr(bytes.size() / 2)};
      return FoundIn(files, bytes) || FoundIn(files, halves[0]) || FoundIn(files, halves[1]) ||
             (!tables.empty() && tables.find(Hex(bytes)) != std::string::npos);
    }
    bool Shows(const Secret& s) const { return Shows(s.Ciphertext()); }
    // Every digest of the ticket's record (which are random, as HMACs are).
    bool ShowsAllDigests(const Secret& s) const {
      return std::all_of(s.digests.begin(), s.digests.end(),
                         [&](const std::string& digest) { return Shows(digest); });
    }
  };
  int scans = 0;
  auto scan = [&] {
    Scan result;
    result.files = tl::privacy::testing::ReadAllFiles(fixture.dir());
    result.tables =
        DecompressedTables(fixture.dir(), fixture.tmp().Sub("copy" + std::to_string(++scans)));
    return result;
  };

  // Keys at rest in every place RocksDB keeps records:
  //   1..400     a table file in level 0, written by the flush of the WAL at the next open
  //   401..700   the bottommost level, compacted by an unrelated erasure (ticket 5000)
  //   701..1000  only the WAL and the memtable
  {
    auto store = fixture.Open();
    fixture.Create(*store, 1, 400);
  }
  {
    auto store = fixture.Open();
    fixture.Create(*store, 401, 300);
    REQUIRE_OK(store->Destroy(5000));
  }
  auto store = fixture.Open();
  fixture.Create(*store, 701, 300);
  // A changed requester rewrites the record (wrapped anew) with one more digest: some tickets
  // of each of the three places get one.
  std::vector<uint64_t> updated;
  for (uint64_t t = 3; t <= 1000; t += 37) updated.push_back(t);
  fixture.AddRequester(*store, updated);

  // Positive control: the scan shows every wrapped key where it is; and no data key is ever
  // stored unwrapped.
  {
    const Scan before = scan();
    for (const auto& [ticket, secret] : fixture.secrets()) {
      INFO("ticket " << ticket);
      REQUIRE(before.Shows(secret));
      REQUIRE(before.ShowsAllDigests(secret));
      REQUIRE_FALSE(FoundIn(before.files, secret.key));
    }
  }

  // Destroy a seeded random tenth: most in one call, some one by one, one twice.
  std::vector<uint64_t> tickets;
  for (const auto& [ticket, secret] : fixture.secrets()) tickets.push_back(ticket);
  std::mt19937 rng(20240607);
  std::shuffle(tickets.begin(), tickets.end(), rng);
  const std::vector<uint64_t> in_one_call(tickets.begin(), tickets.begin() + 90);
  const std::vector<uint64_t> one_by_one(tickets.begin() + 90, tickets.begin() + 100);
  REQUIRE_OK(store->Destroy(in_one_call));
  for (uint64_t ticket : one_by_one) REQUIRE_OK(store->Destroy(ticket));
  REQUIRE_OK(store->Destroy(one_by_one.front()));
  const std::set<uint64_t> destroyed(tickets.begin(), tickets.begin() + 100);

  auto check_files = [&](const char* when) {
    INFO(when);
    const Scan after = scan();
    for (const auto& [ticket, secret] : fixture.secrets()) {
      INFO("ticket " << ticket);
      if (destroyed.contains(ticket)) {
        CHECK(FindAnyForm(after.files, secret) == "");
        CHECK_FALSE(after.Shows(secret));
      } else {
        CHECK(after.Shows(secret));  // the positive control, still
        CHECK(after.ShowsAllDigests(secret));
      }
    }
  };
  auto check_reads = [&](const KeyStore& open_store) {
    for (const auto& [ticket, secret] : fixture.secrets()) {
      INFO("ticket " << ticket);
      auto found = open_store.Get(ticket);
      REQUIRE_OK(found);
      if (destroyed.contains(ticket)) {
        CHECK(found->state == KeyState::kErased);
      } else {
        REQUIRE(found->state == KeyState::kLive);
        CHECK(AsChars(found->key.bytes()) == secret.key);
      }
    }
  };
  check_files("with the store still open, right after Destroy returned");
  check_reads(*store);
  store.reset();
  check_files("after closing the store");

  // Reopened, the store lists each destroyed ticket as erased and has none of them live.
  store = fixture.Open();
  check_reads(*store);
  size_t erased = 0;
  REQUIRE_OK(store->ForEach([&](uint64_t ticket, KeyState state) {
    if (destroyed.contains(ticket)) CHECK(state == KeyState::kErased);
    erased += state == KeyState::kErased;
    return true;
  }));
  CHECK(erased == destroyed.size() + 1);  // and ticket 5000
  store.reset();
  check_files("after reopening");
}

TEST_CASE("Destroy leaves no obsolete table or WAL file behind, however the store was written",
          "[privacy][key_store][erasure]") {
  ScanFixture fixture(Compression::kNone);
  auto store = fixture.Open();
  for (uint64_t round = 0; round < 5; ++round) {
    fixture.Create(*store, 1 + round * 100, 100);
    REQUIRE_OK(store->Destroy(1 + round * 100));
  }
  // The live files: at most one WAL with records, the table files, MANIFEST, CURRENT, OPTIONS...
  size_t wals = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fixture.dir())) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    CHECK(name.find("LOG") == std::string::npos);  // no info log: nothing can be logged
    CHECK_FALSE(entry.is_directory());             // no archive/
    // RocksDB may keep an empty WAL file it made at open; it holds no record.
    wals += entry.path().extension() == ".log" && entry.file_size() > 0;
  }
  CHECK(wals <= 1);
}

TEST_CASE("an erasure cut short after its write is finished when the store is next opened",
          "[privacy][key_store][erasure][crash]") {
  ScanFixture fixture(Compression::kNone);
  {
    auto store = fixture.Open();
    fixture.Create(*store, 1, 50);
  }
  fixture.Open().reset();  // the keys move from the WAL to a table file
  const Secret& cut_short = fixture.secrets().at(7);

  SECTION("after its intent") {
    WriteErasureAsIfCutShort(fixture.dir(), 7, /*with_erased_record=*/false);
    auto store = fixture.Open();
    CHECK(FindAnyForm(tl::privacy::testing::ReadAllFiles(fixture.dir()), cut_short) == "");
    CHECK(store->Get(7)->state == KeyState::kErased);
    CHECK(store->Get(8)->state == KeyState::kLive);
  }
  SECTION("after its intent and the erased record") {
    WriteErasureAsIfCutShort(fixture.dir(), 7, /*with_erased_record=*/true);
    auto store = fixture.Open();
    CHECK(FindAnyForm(tl::privacy::testing::ReadAllFiles(fixture.dir()), cut_short) == "");
    CHECK(store->Get(7)->state == KeyState::kErased);
    CHECK(store->Get(8)->state == KeyState::kLive);
  }
  SECTION("without an intent, an erased record alone leaves the old one in the files") {
    // The control that shows the scan above can fail: what the intent is for.
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), fixture.dir(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string key(1, 'k');
    key += BigEndian(7);
    REQUIRE(db->Put(rocksdb::WriteOptions(), key, std::string("\x01\x02", 2)).ok());
    REQUIRE(db->Close().ok());
    db.reset();
    auto store = fixture.Open();
    CHECK(FoundIn(tl::privacy::testing::ReadAllFiles(fixture.dir()), cut_short.Ciphertext()));
    CHECK(store->Get(7)->state == KeyState::kErased);
  }
}
