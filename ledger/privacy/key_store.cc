#include "ledger/privacy/key_store.h"

#include <fmt/format.h>
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "ledger/privacy/internal/aead.h"
#include "ledger/privacy/internal/files.h"

namespace tl::privacy {
namespace {

constexpr uint8_t kRecordVersion = 1;
constexpr uint8_t kLiveRecord = 1;
constexpr uint8_t kErasedRecord = 2;
constexpr uint8_t kLiveIndexedRecord = 3;  // live, with requester digests
constexpr char kTicketPrefix = 'k';
constexpr std::string_view kTicketPrefixEnd = "l";  // the first key past every "k..." key
constexpr std::string_view kKeyCheckKey = "m.key_check";
constexpr std::string_view kPendingErasureKey = "m.pending_erasure";
constexpr std::string_view kIndexKeyKey = "m.index_key";
constexpr std::string_view kWrapPurpose = "tl.privacy.data_key.v1";
constexpr std::string_view kIndexKeyPurpose = "tl.privacy.index_key.v1";
constexpr size_t kDigestBytes = sizeof(RequesterDigest);
constexpr size_t kTicketKeyBytes = 1 + 8;
constexpr size_t kWrappedBytes = internal::kSealedOverhead + kKeyBytes;
constexpr size_t kLiveRecordBytes = 2 + kWrappedBytes;
using KeyCheckValue = std::array<uint8_t, 32>;

// The one place where a rocksdb::Status becomes a tl::Status. RocksDB's messages name files
// and keys (ticket ids), never values, so no key material reaches an error message.
Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  if (s.IsCorruption()) return Status::DataLoss(fmt::format("{}: {}", what, s.ToString()));
  return Status::Unavailable(fmt::format("{}: {}", what, s.ToString()));
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

void AppendBigEndian64(std::string* out, uint64_t value) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// Big-endian, so that the store's key order is ticket order and a ticket range is a key range.
std::string TicketKey(uint64_t ticket) {
  std::string key(1, kTicketPrefix);
  AppendBigEndian64(&key, ticket);
  return key;
}

bool IsTicketKey(std::string_view key) {
  return key.size() == kTicketKeyBytes && key[0] == kTicketPrefix;
}

uint64_t TicketOf(std::string_view key) {
  uint64_t ticket = 0;
  for (size_t i = 1; i < kTicketKeyBytes; ++i)
    ticket = (ticket << 8) | static_cast<uint8_t>(key[i]);
  return ticket;
}

std::string WrapAssociatedData(uint64_t ticket) {
  std::string ad(kWrapPurpose);
  AppendBigEndian64(&ad, ticket);
  return ad;
}

// A live record: the wrapped key, then the requester digests (kind 3), or none (kind 1).
std::string LiveRecord(const SecretKey& wrapping_key, uint64_t ticket, const DataKey& key,
                       const std::vector<RequesterDigest>& digests) {
  std::string record;
  record.reserve(kLiveRecordBytes + digests.size() * kDigestBytes);
  record.push_back(static_cast<char>(kRecordVersion));
  record.push_back(static_cast<char>(digests.empty() ? kLiveRecord : kLiveIndexedRecord));
  internal::AeadSeal(wrapping_key, key.bytes(), WrapAssociatedData(ticket), &record);
  for (const RequesterDigest& digest : digests) {
    record.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  }
  return record;
}

// Adds `digest` to `digests` unless it is there; whether it was added.
bool AddDigest(std::vector<RequesterDigest>& digests, const RequesterDigest& digest) {
  if (std::find(digests.begin(), digests.end(), digest) != digests.end()) return false;
  digests.push_back(digest);
  return true;
}

// The requester index key, wrapped like a data key (under its own associated data): kept in the
// store once a master key rotation has made it differ from the one the master key derives.
std::string IndexKeyRecord(const SecretKey& wrapping_key, const SecretKey& index_key) {
  std::string record(1, static_cast<char>(kRecordVersion));
  internal::AeadSeal(wrapping_key, index_key.bytes(), kIndexKeyPurpose, &record);
  return record;
}

std::string ErasedRecord() {
  return std::string{static_cast<char>(kRecordVersion), static_cast<char>(kErasedRecord)};
}

std::string KeyCheckRecord(const KeyCheckValue& value) {
  std::string record(1, static_cast<char>(kRecordVersion));
  record.append(reinterpret_cast<const char*>(value.data()), value.size());
  return record;
}

// The tickets of an erasure not yet finished: version 1, then each ticket id (8 bytes,
// big-endian), ascending.
std::string PendingErasureRecord(const std::vector<uint64_t>& tickets) {
  std::string record(1, static_cast<char>(kRecordVersion));
  for (uint64_t ticket : tickets) AppendBigEndian64(&record, ticket);
  return record;
}

uint64_t BigEndian64(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

std::string Hex8(const uint8_t* bytes) {
  std::string hex;
  for (size_t i = 0; i < 8; ++i) hex += fmt::format("{:02x}", bytes[i]);
  return hex;
}

// The state a record says, without unwrapping it; kDataLoss when it is not a known record.
Result<KeyState> StateOf(uint64_t ticket, std::string_view record) {
  if (record.size() >= 2 && static_cast<uint8_t>(record[0]) == kRecordVersion) {
    const auto kind = static_cast<uint8_t>(record[1]);
    if (kind == kErasedRecord && record.size() == 2) return KeyState::kErased;
    if (kind == kLiveRecord && record.size() == kLiveRecordBytes) return KeyState::kLive;
    if (kind == kLiveIndexedRecord && record.size() > kLiveRecordBytes &&
        (record.size() - kLiveRecordBytes) % kDigestBytes == 0) {
      return KeyState::kLive;
    }
  }
  return Status::DataLoss(fmt::format("ticket {}: the key record does not decode", ticket));
}

// The requester digests of a record StateOf accepted (none for a kind 1 or erased record).
std::vector<RequesterDigest> DigestsOf(std::string_view record) {
  std::vector<RequesterDigest> digests;
  for (size_t at = kLiveRecordBytes; at + kDigestBytes <= record.size(); at += kDigestBytes) {
    RequesterDigest& digest = digests.emplace_back();
    std::copy_n(record.data() + at, kDigestBytes, reinterpret_cast<char*>(digest.data()));
  }
  return digests;
}

// Whether a record StateOf accepted holds `digest`, without copying its digests.
bool HoldsDigest(std::string_view record, const RequesterDigest& digest) {
  const std::string_view wanted(reinterpret_cast<const char*>(digest.data()), digest.size());
  for (size_t at = kLiveRecordBytes; at + kDigestBytes <= record.size(); at += kDigestBytes) {
    if (record.substr(at, kDigestBytes) == wanted) return true;
  }
  return false;
}

struct DecodedRecord {
  KeyLookup lookup;
  std::vector<RequesterDigest> digests;
};

Result<DecodedRecord> DecodeFullRecord(const SecretKey& wrapping_key, uint64_t ticket,
                                       std::string_view record) {
  TL_ASSIGN_OR_RETURN(KeyState state, StateOf(ticket, record));
  DecodedRecord decoded;
  decoded.lookup.state = state;
  if (state != KeyState::kLive) return decoded;
  if (internal::AeadOpen(wrapping_key, record.substr(2, kWrappedBytes), WrapAssociatedData(ticket),
                         decoded.lookup.key.mutable_bytes()) != internal::OpenError::kNone) {
    return Status::DataLoss(fmt::format(
        "ticket {}: the wrapped data key does not unwrap under this master key", ticket));
  }
  decoded.digests = DigestsOf(record);
  return decoded;
}

Result<KeyLookup> DecodeRecord(const SecretKey& wrapping_key, uint64_t ticket,
                               std::string_view record) {
  TL_ASSIGN_OR_RETURN(DecodedRecord decoded, DecodeFullRecord(wrapping_key, ticket, record));
  return std::move(decoded.lookup);
}

// RocksDB's info LOG is not written at all: it would be one more file under the store's
// directory for the erasure to account for, and its lines (compaction summaries, options,
// corruption reports) are not worth that risk here. Errors still come back as Status.
class NullLogger : public rocksdb::Logger {
 public:
  NullLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::HEADER_LEVEL) {}
  void LogHeader(const char* /*format*/, va_list /*ap*/) override {}
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
  void Logv(const rocksdb::InfoLogLevel /*level*/, const char* /*format*/,
            va_list /*ap*/) override {}
};

rocksdb::CompressionType ToRocks(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return rocksdb::kNoCompression;
    case Compression::kSnappy:
      return rocksdb::kSnappyCompression;
    case Compression::kLz4:
      return rocksdb::kLZ4Compression;
    case Compression::kZstd:
      return rocksdb::kZSTD;
  }
  return rocksdb::kNoCompression;
}

// Every option that Destroy's guarantee rests on is set here explicitly, even where it is
// RocksDB's default, so that a change of default cannot silently weaken it.
rocksdb::Options StoreOptions(const KeyStore::Options& opts) {
  rocksdb::Options o;
  o.create_if_missing = opts.create_if_missing;
  o.paranoid_checks = true;
  o.max_background_jobs = 2;
  // Diagnostics: no info LOG file (NullLogger above), no statistics dumped into one, none
  // persisted into the database.
  o.info_log = std::make_shared<NullLogger>();
  o.info_log_level = rocksdb::InfoLogLevel::HEADER_LEVEL;
  o.stats_dump_period_sec = 0;
  o.stats_persist_period_sec = 0;
  o.persist_stats_to_disk = false;
  // WAL lifecycle: a WAL file whose records are all flushed is obsolete, and with TTL and size
  // limit both 0 it is deleted, never moved to an archive/ directory. Recycling is off: a
  // recycled WAL file is overwritten from its start and keeps old records past the new tail.
  // The WAL is written on every write (no manual flush) and uncompressed.
  o.WAL_ttl_seconds = 0;
  o.WAL_size_limit_MB = 0;
  o.recycle_log_file_num = 0;
  o.manual_wal_flush = false;
  o.wal_compression = rocksdb::kNoCompression;
  // Obsolete files are deleted by the thread that finds them, at once, not handed to a
  // background purge thread (and there is no SstFileManager, whose trash would delay them).
  o.avoid_unnecessary_blocking_io = false;
  // The keys are small (75 bytes a record): 16 MiB of memtable is some 150 k records.
  o.write_buffer_size = 16u << 20;
  // No space reserved ahead: RocksDB would fallocate each WAL file to 1.1 times the memtable,
  // 17 MiB for a store that writes a few hundred bytes between flushes, beside a ledger whose
  // own WAL is written ahead already (a full disk came sooner by that much).
  o.allow_fallocate = false;
  // Level compaction (the default), no blob files: every value lives in table files whose
  // versions Destroy's compaction rewrites.
  o.compaction_style = rocksdb::kCompactionStyleLevel;
  o.enable_blob_files = false;
  // Small table files: Destroy compacts the files that overlap its tickets' range, so the size
  // of one file is what an erasure of one ticket rewrites. With RocksDB's 64 MiB default, the
  // store's one file (200,000 keys: 17 MiB) was rewritten by every Destroy.
  o.target_file_size_base = 1u << 20;
  o.compression = ToRocks(opts.compression);
  o.bottommost_compression = rocksdb::kDisableCompressionOption;  // = `compression`
  rocksdb::BlockBasedTableOptions table;
  // A small cache of its own: in memory only (no persistent or secondary cache writes blocks
  // to disk). Lookups of tickets without a key (Create) are answered by the Bloom filter.
  table.block_cache = rocksdb::NewLRUCache(8u << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return o;
}

// Whether the store in `db` answers to `key_check_value`: true when it records that value,
// false when it records none (a store whose creation stopped before its first write).
Result<bool> MatchKeyCheck(rocksdb::DB* db, const KeyCheckValue& key_check_value,
                           const std::string& fingerprint, const std::string& dir) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), ToSlice(kKeyCheckKey), &value);
  if (s.IsNotFound()) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    it->Seek(ToSlice(std::string(1, kTicketPrefix)));
    if (it->Valid() && IsTicketKey(ToView(it->key()))) {
      return Status::DataLoss(
          fmt::format("key store {} holds data keys but no key-check value", dir));
    }
    TL_RETURN_IF_ERROR(FromRocks(it->status(), fmt::format("reading key store {}", dir)));
    return false;
  }
  TL_RETURN_IF_ERROR(FromRocks(s, fmt::format("reading key store {}", dir)));
  if (value.size() != 1 + key_check_value.size() ||
      static_cast<uint8_t>(value[0]) != kRecordVersion) {
    return Status::DataLoss(fmt::format("key store {}: the key-check value does not decode", dir));
  }
  const auto* stored = reinterpret_cast<const uint8_t*>(value.data() + 1);
  if (sodium_memcmp(stored, key_check_value.data(), key_check_value.size()) != 0) {
    return Status::InvalidArgument(
        kWrongMasterKey,
        fmt::format(
            "key store {} was made with master key {}, not with master key {}: start with the "
            "master key file it was made with",
            dir, Hex8(stored), fingerprint));
  }
  return true;
}

}  // namespace

struct KeyStore::Rep {
  std::string dir;
  uint64_t erasure_group_bytes = 0;
  SecretKey wrapping_key;
  KeyCheckValue key_check_value{};
  // The requester index key (see "m.index_key" in key_store.h) and the index made of it.
  SecretKey index_key;
  std::optional<RequesterIndex> index;
  std::unique_ptr<rocksdb::DB> db;
  // Serialises Create, CreateMany and Destroy, so that the check and the write of each are one
  // step. Taken before files_mu.
  std::mutex write_mu;
  // Shared by every read and write of the database; exclusive while Destroy retires files, so
  // that no reader pins (and so keeps) a file that held a destroyed key.
  mutable std::shared_mutex files_mu;
  // The tickets of an erasure begun (its intent synced) but not finished: they read as erased
  // even before their erased records are written, so a Destroy that failed midway does not
  // leave them readable until it is retried. Written under files_mu exclusively, read under it
  // shared. Empty but for such a failure.
  std::unordered_set<uint64_t> erasing;

  ~Rep() {
    // Nothing to flush: every write was synced to the WAL, which the next Open replays.
    if (db) db->Close().PermitUncheckedError();
  }

  Result<std::optional<std::string>> ReadRecord(uint64_t ticket) const {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), ToSlice(TicketKey(ticket)), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    TL_RETURN_IF_ERROR(FromRocks(s, fmt::format("reading the key of ticket {}", ticket)));
    return std::optional<std::string>(std::move(value));
  }

  Result<DecodedRecord> Lookup(uint64_t ticket) const {
    if (erasing.contains(ticket)) return DecodedRecord{{KeyState::kErased, DataKey()}, {}};
    TL_ASSIGN_OR_RETURN(std::optional<std::string> record, ReadRecord(ticket));
    if (!record) return DecodedRecord{};
    return DecodeFullRecord(wrapping_key, ticket, *record);
  }

  // The requester index key: the one the store records (since a master key rotation), else
  // `derived`, the one the master key derives.
  Status LoadIndexKey(const SecretKey& derived) {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), ToSlice(kIndexKeyKey), &value);
    if (s.IsNotFound()) {
      index_key = derived;
    } else {
      TL_RETURN_IF_ERROR(FromRocks(s, "reading the requester index key"));
      if (value.empty() || static_cast<uint8_t>(value[0]) != kRecordVersion ||
          internal::AeadOpen(wrapping_key, std::string_view(value).substr(1), kIndexKeyPurpose,
                             index_key.mutable_bytes()) != internal::OpenError::kNone) {
        return Status::DataLoss(
            fmt::format("key store {}: the requester index key does not unwrap", dir));
      }
    }
    index.emplace(index_key);
    return Status::Ok();
  }

  Status WriteSynced(rocksdb::WriteBatch& batch, std::string_view what) {
    rocksdb::WriteOptions options;
    // sync: the WAL is fsync'ed before Write returns. A key handed out must survive a crash,
    // or fields sealed under it would be lost; an erased record must, or the key would come back.
    options.sync = true;
    return FromRocks(db->Write(options, &batch), what);
  }

  // The tickets of an erasure whose Destroy did not finish (it failed, or its process died,
  // after writing its intent), ascending; empty when none.
  Result<std::vector<uint64_t>> PendingErasure() const {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), ToSlice(kPendingErasureKey), &value);
    if (s.IsNotFound()) return std::vector<uint64_t>();
    TL_RETURN_IF_ERROR(FromRocks(s, "reading the pending erasure"));
    if (value.empty() || static_cast<uint8_t>(value[0]) != kRecordVersion ||
        (value.size() - 1) % 8 != 0) {
      return Status::DataLoss(
          fmt::format("key store {}: the pending erasure does not decode", dir));
    }
    std::vector<uint64_t> tickets;
    for (size_t at = 1; at < value.size(); at += 8) {
      tickets.push_back(BigEndian64(std::string_view(value).substr(at, 8)));
    }
    return tickets;
  }

  // Destroy (key_store.h), steps 1 to 7, for `tickets` and any pending erasure. The caller holds
  // write_mu and files_mu exclusively, or is Open before anyone else has the store.
  Status Erase(std::vector<uint64_t> tickets) {
    TL_ASSIGN_OR_RETURN(std::vector<uint64_t> pending, PendingErasure());
    tickets.insert(tickets.end(), pending.begin(), pending.end());
    std::sort(tickets.begin(), tickets.end());
    tickets.erase(std::unique(tickets.begin(), tickets.end()), tickets.end());
    if (tickets.empty()) return Status::Ok();

    // 1. The intent, synced: from here on a crash is finished by the next Open.
    rocksdb::WriteBatch intent;
    TL_RETURN_IF_ERROR(
        FromRocks(intent.Put(ToSlice(kPendingErasureKey), ToSlice(PendingErasureRecord(tickets))),
                  "staging an erasure"));
    TL_RETURN_IF_ERROR(WriteSynced(intent, "recording the erasure"));
    erasing.insert(tickets.begin(), tickets.end());
    // 2. Whatever the memtable holds (keys created since the last flush, the intent) goes to a
    // table file of its own, so that the erased records below get files that hold nothing else.
    TL_RETURN_IF_ERROR(Flush());
    // 3-4. Per group of nearby tickets: the erased records, a flush (a level-0 file spanning just
    // the group), and a compaction of that span down to the last level.
    for (const auto& [first, last] : GroupNearby(tickets)) {
      rocksdb::WriteBatch erased;
      const std::string record = ErasedRecord();
      for (size_t i = first; i <= last; ++i) {
        TL_RETURN_IF_ERROR(FromRocks(erased.Put(ToSlice(TicketKey(tickets[i])), ToSlice(record)),
                                     "staging an erasure"));
      }
      // Not synced: the flush below makes them durable, and until then the intent stands.
      TL_RETURN_IF_ERROR(FromRocks(db->Write(rocksdb::WriteOptions(), &erased), "erasing keys"));
      TL_RETURN_IF_ERROR(Flush());
      const std::string begin = TicketKey(tickets[first]);
      const std::string end = TicketKey(tickets[last]);
      const rocksdb::Slice begin_slice = ToSlice(begin);
      const rocksdb::Slice end_slice = ToSlice(end);  // CompactRange's end is inclusive
      TL_RETURN_IF_ERROR(CompactDown(&begin_slice, &end_slice));
    }
    // 5-6.
    TL_RETURN_IF_ERROR(DeleteObsoleteFiles());
    // 7. Not synced: if this delete is lost, the next Open runs the erasure once more, which
    // changes nothing.
    erasing.clear();  // every ticket of the intent now has its erased record in a table file
    return FromRocks(db->Delete(rocksdb::WriteOptions(), ToSlice(kPendingErasureKey)),
                     "forgetting the finished erasure");
  }

  // Groups of neighbouring tickets, as index ranges [first, last] into the sorted `tickets`:
  // one flush and one compaction each. A group costs a flush and some fsyncs plus the rewrite of
  // the files its span overlaps, so two neighbours share a group when the table data between
  // them is at most erasure_group_bytes (cheaper to rewrite than a group of its own), and
  // tickets far apart do not make one compaction rewrite everything in between.
  std::vector<std::pair<size_t, size_t>> GroupNearby(const std::vector<uint64_t>& tickets) {
    std::vector<std::pair<size_t, size_t>> groups;
    size_t first = 0;
    for (size_t i = 1; i <= tickets.size(); ++i) {
      bool close = false;
      if (i < tickets.size()) {
        const std::string begin = TicketKey(tickets[i - 1]);
        const std::string end = TicketKey(tickets[i]);
        rocksdb::Range gap(ToSlice(begin), ToSlice(end));
        uint64_t bytes = 0;
        rocksdb::SizeApproximationOptions approximate;
        approximate.include_memtables = false;
        approximate.include_files = true;
        close =
            db->GetApproximateSizes(approximate, db->DefaultColumnFamily(), &gap, 1, &bytes).ok() &&
            bytes <= erasure_group_bytes;
      }
      if (!close) {
        groups.emplace_back(first, i - 1);
        first = i;
      }
    }
    return groups;
  }

  Status Flush() {
    rocksdb::FlushOptions flush;
    flush.wait = true;
    flush.allow_write_stall = true;
    // A flush also starts a new WAL file: the ones holding only flushed records are obsolete.
    return FromRocks(db->Flush(flush), "flushing the key store's memtable");
  }

  // Compacts [begin, end] (nullptr: unbounded) down to and including the last level, so that
  // no older version of a record in that span survives in a live file.
  Status CompactDown(const rocksdb::Slice* begin, const rocksdb::Slice* end) {
    rocksdb::CompactRangeOptions compact;
    compact.exclusive_manual_compaction = true;
    // kForce: the bottommost level is compacted into itself too, and no file of the range is
    // moved down untouched (trivial move), so every file holding the range is rewritten.
    compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    compact.allow_write_stall = true;
    return FromRocks(db->CompactRange(compact, begin, end), "compacting the key store");
  }

  // Deletes every obsolete file now, checks that none is left, and makes the deletions durable.
  Status DeleteObsoleteFiles() {
    // PauseBackgroundWork returns once no flush or compaction runs, and a background job
    // deletes the files it made obsolete before it counts as finished: so every deletion
    // started by the flushes and compactions before is done when it returns.
    TL_RETURN_IF_ERROR(FromRocks(db->PauseBackgroundWork(), "pausing the key store"));
    Status status = PurgeAndCheck();
    Status resumed = FromRocks(db->ContinueBackgroundWork(), "resuming the key store");
    TL_RETURN_IF_ERROR(status);
    TL_RETURN_IF_ERROR(resumed);
    return internal::FsyncDirectory(dir);
  }

  // Leaves no older version of any record in a live file, and no obsolete file (rotation).
  Status RetireAll() {
    TL_RETURN_IF_ERROR(Flush());
    TL_RETURN_IF_ERROR(CompactDown(nullptr, nullptr));
    return DeleteObsoleteFiles();
  }

  // With background work paused: deletes every obsolete file now, then checks that none is
  // left.
  Status PurgeAndCheck() {
    // Enabling file deletions runs a full scan of the directory for obsolete files and deletes
    // them in this thread, before it returns.
    TL_RETURN_IF_ERROR(FromRocks(db->DisableFileDeletions(), "holding file deletions"));
    TL_RETURN_IF_ERROR(FromRocks(db->EnableFileDeletions(/*force=*/false), "deleting files"));

    std::vector<std::string> live;
    uint64_t manifest_size = 0;
    TL_RETURN_IF_ERROR(FromRocks(db->GetLiveFiles(live, &manifest_size, /*flush_memtable=*/false),
                                 "listing the key store's live files"));
    rocksdb::VectorLogPtr wals;
    TL_RETURN_IF_ERROR(FromRocks(db->GetSortedWalFiles(wals), "listing the key store's WAL"));
    // GetSortedWalFiles leaves out WAL files with no record yet, such as the one the flush
    // just started: ask for the current one by name.
    std::unique_ptr<rocksdb::LogFile> current_wal;
    TL_RETURN_IF_ERROR(
        FromRocks(db->GetCurrentWalFile(&current_wal), "naming the key store's current WAL"));
    std::unordered_set<std::string> keep;
    auto name_of = [](std::string_view path) {
      return std::filesystem::path(path).filename().string();
    };
    for (const auto& file : live) keep.insert(name_of(file));
    keep.insert(name_of(current_wal->PathName()));
    for (const auto& wal : wals) {
      if (wal->Type() != rocksdb::kAliveLogFile) {
        return Status::Internal(
            fmt::format("key store {}: WAL file {} was archived", dir, wal->PathName()));
      }
      keep.insert(name_of(wal->PathName()));
    }
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      const std::filesystem::directory_entry& entry = *it;
      const std::string name = entry.path().filename().string();
      std::error_code entry_ec;
      if (entry.is_directory(entry_ec)) {
        // Only an archive/ of WAL files could be here, and it must not hold any.
        if (!std::filesystem::is_empty(entry.path(), entry_ec) || entry_ec) {
          return Status::Internal(fmt::format("key store {}: {}/ is not empty", dir, name));
        }
        continue;
      }
      if (!name.ends_with(".sst") && !name.ends_with(".log") && !name.ends_with(".blob")) {
        // CURRENT, IDENTITY, LOCK, OPTIONS-*, and MANIFEST-* (file names and their smallest and
        // largest keys, i.e. ticket ids): no values.
        continue;
      }
      // An empty file holds no record. RocksDB leaves empty WAL files that it still counts as
      // alive (one made at open and switched from before anything was written to it), which
      // GetSortedWalFiles does not list.
      const uintmax_t size = entry.file_size(entry_ec);
      if (entry_ec) return internal::ErrnoStatus(entry_ec.value(), "inspecting", entry.path());
      if (size > 0 && !keep.contains(name)) {
        return Status::Internal(
            fmt::format("key store {}: obsolete file {} was not deleted", dir, name));
      }
    }
    if (ec) return internal::ErrnoStatus(ec.value(), "listing key store", dir);
    return Status::Ok();
  }
};

KeyStore::KeyStore(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
KeyStore::~KeyStore() = default;

bool KeyStore::CompressionSupported(Compression compression) {
  const rocksdb::CompressionType type = ToRocks(compression);
  if (type == rocksdb::kNoCompression) return true;
  const std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
  return std::find(supported.begin(), supported.end(), type) != supported.end();
}

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::string& dir, const MasterKey& master,
                                                 Options options) {
  if (!CompressionSupported(options.compression)) {
    return Status::BadField("this RocksDB build cannot write the key store's compression");
  }
  std::error_code ec;
  const bool exists = std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec);
  if (ec) return internal::ErrnoStatus(ec.value(), "looking into key store", dir);
  if (!exists && !options.create_if_missing) {
    return Status::NotFound(fmt::format("no key store in {}", dir));
  }
  const std::string fingerprint = master.Fingerprint();

  if (exists) {
    // A read-only open writes nothing (no LOCK, no WAL, no MANIFEST, and no LOG with the null
    // logger), so a wrong master key is refused before any file in `dir` changes.
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::OpenForReadOnly(StoreOptions(options), dir, &raw);
    std::unique_ptr<rocksdb::DB> reader(raw);
    TL_RETURN_IF_ERROR(FromRocks(s, fmt::format("opening key store {} to check its key", dir)));
    TL_RETURN_IF_ERROR(MatchKeyCheck(reader.get(), master.key_check_value(), fingerprint, dir));
    reader->Close().PermitUncheckedError();  // read-only: nothing to lose
  }

  auto rep = std::make_unique<Rep>();
  rep->dir = dir;
  rep->erasure_group_bytes = options.erasure_group_bytes;
  rep->wrapping_key = master.wrapping_key();
  rep->key_check_value = master.key_check_value();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(StoreOptions(options), dir, &raw);
  rep->db.reset(raw);  // DB::Open hands over an owning raw pointer: wrap it at once
  TL_RETURN_IF_ERROR(FromRocks(s, fmt::format("opening key store {}", dir)));
  // Again under RocksDB's LOCK: the read-only look above was outside it.
  TL_ASSIGN_OR_RETURN(bool recorded,
                      MatchKeyCheck(rep->db.get(), rep->key_check_value, fingerprint, dir));
  if (!recorded) {
    rocksdb::WriteBatch batch;
    TL_RETURN_IF_ERROR(
        FromRocks(batch.Put(ToSlice(kKeyCheckKey), ToSlice(KeyCheckRecord(rep->key_check_value))),
                  "recording the key-check value"));
    TL_RETURN_IF_ERROR(rep->WriteSynced(batch, "recording the key-check value"));
  }
  TL_RETURN_IF_ERROR(rep->LoadIndexKey(master.index_key()));
  // A Destroy that stopped after its synced write left its keys erased but maybe still in the
  // files: finish it before anyone uses the store.
  TL_ASSIGN_OR_RETURN(std::vector<uint64_t> pending, rep->PendingErasure());
  if (!pending.empty()) {
    TL_RETURN_IF_ERROR(
        rep->Erase({}).WithContext(fmt::format("finishing an erasure in key store {}", dir)));
  }
  return std::unique_ptr<KeyStore>(new KeyStore(std::move(rep)));
}

Result<DataKey> KeyStore::Create(uint64_t ticket) {
  TL_ASSIGN_OR_RETURN(std::vector<DataKey> keys, CreateMany(std::span<const uint64_t>(&ticket, 1)));
  return std::move(keys.front());
}

Result<std::vector<DataKey>> KeyStore::CreateMany(
    std::span<const uint64_t> tickets, std::span<const std::vector<RequesterDigest>> requesters) {
  if (!requesters.empty() && requesters.size() != tickets.size()) {
    return Status::Internal("CreateMany: one list of requester digests per ticket, or none");
  }
  std::lock_guard write(rep_->write_mu);
  std::shared_lock files(rep_->files_mu);
  std::vector<DataKey> keys(tickets.size());
  // Per ticket: the index into `keys` of its first occurrence, its record as it will be, and
  // whether that differs from the stored one.
  struct Pending {
    size_t first = 0;
    DecodedRecord record;
    bool changed = false;
  };
  std::unordered_map<uint64_t, Pending> pending;
  std::vector<uint64_t> order;  // the tickets to write, in first-seen order
  for (size_t i = 0; i < tickets.size(); ++i) {
    const uint64_t ticket = tickets[i];
    auto [it, inserted] = pending.try_emplace(ticket);
    Pending& p = it->second;
    if (inserted) {
      p.first = i;
      TL_ASSIGN_OR_RETURN(p.record, rep_->Lookup(ticket));
      switch (p.record.lookup.state) {
        case KeyState::kLive:
          break;
        case KeyState::kErased:
          return Status::Rule("data_key_erased",
                              fmt::format("ticket {}'s data key was destroyed; erasure is final "
                                          "and no new key is made for it",
                                          ticket));
        case KeyState::kAbsent:
          p.record.lookup = KeyLookup{KeyState::kLive, DataKey::Random()};
          p.changed = true;
          break;
      }
      order.push_back(ticket);
    }
    keys[i] = p.record.lookup.key;
    if (!requesters.empty()) {
      for (const RequesterDigest& digest : requesters[i]) {
        p.changed |= AddDigest(p.record.digests, digest);
      }
    }
  }
  rocksdb::WriteBatch batch;
  for (uint64_t ticket : order) {
    const Pending& p = pending.at(ticket);
    if (!p.changed) continue;
    TL_RETURN_IF_ERROR(FromRocks(
        batch.Put(
            ToSlice(TicketKey(ticket)),
            ToSlice(LiveRecord(rep_->wrapping_key, ticket, p.record.lookup.key, p.record.digests))),
        "staging a data key"));
  }
  if (batch.Count() > 0) TL_RETURN_IF_ERROR(rep_->WriteSynced(batch, "writing data keys"));
  return keys;
}

Status KeyStore::AddRequesters(std::span<const TicketRequester> entries) {
  if (entries.empty()) return Status::Ok();
  std::lock_guard write(rep_->write_mu);
  std::shared_lock files(rep_->files_mu);
  std::unordered_map<uint64_t, DecodedRecord> changed;
  std::vector<uint64_t> order;
  for (const TicketRequester& entry : entries) {
    auto it = changed.find(entry.ticket);
    if (it == changed.end()) {
      TL_ASSIGN_OR_RETURN(DecodedRecord record, rep_->Lookup(entry.ticket));
      if (record.lookup.state != KeyState::kLive) continue;  // the append will be refused
      if (std::find(record.digests.begin(), record.digests.end(), entry.digest) !=
          record.digests.end()) {
        continue;
      }
      it = changed.emplace(entry.ticket, std::move(record)).first;
      order.push_back(entry.ticket);
    }
    AddDigest(it->second.digests, entry.digest);
  }
  rocksdb::WriteBatch batch;
  for (uint64_t ticket : order) {
    const DecodedRecord& record = changed.at(ticket);
    TL_RETURN_IF_ERROR(FromRocks(batch.Put(ToSlice(TicketKey(ticket)),
                                           ToSlice(LiveRecord(rep_->wrapping_key, ticket,
                                                              record.lookup.key, record.digests))),
                                 "staging a requester digest"));
  }
  if (batch.Count() == 0) return Status::Ok();
  return rep_->WriteSynced(batch, "writing requester digests");
}

Result<std::vector<uint64_t>> KeyStore::TicketsOfRequester(const RequesterDigest& digest) const {
  std::shared_lock files(rep_->files_mu);
  std::vector<uint64_t> found;
  rocksdb::ReadOptions read;
  const rocksdb::Slice upper = ToSlice(kTicketPrefixEnd);
  read.iterate_upper_bound = &upper;
  // A one-off scan of the whole store: its blocks would only push the Get path's out.
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(rep_->db->NewIterator(read));
  for (it->Seek(ToSlice(std::string(1, kTicketPrefix))); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    if (!IsTicketKey(key)) {
      return Status::DataLoss(
          fmt::format("key store {}: a key of {} bytes among the tickets", rep_->dir, key.size()));
    }
    const std::string_view record = ToView(it->value());
    const uint64_t ticket = TicketOf(key);
    TL_ASSIGN_OR_RETURN(KeyState state, StateOf(ticket, record));
    if (state != KeyState::kLive || rep_->erasing.contains(ticket)) continue;
    if (HoldsDigest(record, digest)) found.push_back(ticket);
  }
  TL_RETURN_IF_ERROR(FromRocks(it->status(), "scanning the key store"));
  return found;
}

const RequesterIndex& KeyStore::requester_index() const { return *rep_->index; }

Result<KeyLookup> KeyStore::Get(uint64_t ticket) const {
  std::optional<std::string> record;
  {
    std::shared_lock files(rep_->files_mu);
    if (rep_->erasing.contains(ticket)) return KeyLookup{KeyState::kErased, DataKey()};
    TL_ASSIGN_OR_RETURN(record, rep_->ReadRecord(ticket));
  }
  if (!record) return KeyLookup{};
  return DecodeRecord(rep_->wrapping_key, ticket, *record);
}

Status KeyStore::Destroy(std::span<const uint64_t> tickets) {
  if (tickets.empty()) return Status::Ok();
  std::lock_guard write(rep_->write_mu);
  std::unique_lock files(rep_->files_mu);
  return rep_->Erase(std::vector<uint64_t>(tickets.begin(), tickets.end()))
      .WithContext("destroying data keys");
}

Status KeyStore::ForEach(const std::function<bool(uint64_t ticket, KeyState state)>& visit) const {
  std::shared_lock files(rep_->files_mu);
  rocksdb::ReadOptions read;
  const rocksdb::Slice upper = ToSlice(kTicketPrefixEnd);
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(rep_->db->NewIterator(read));
  for (it->Seek(ToSlice(std::string(1, kTicketPrefix))); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    if (!IsTicketKey(key)) {
      return Status::DataLoss(
          fmt::format("key store {}: a key of {} bytes among the tickets", rep_->dir, key.size()));
    }
    const uint64_t ticket = TicketOf(key);
    TL_ASSIGN_OR_RETURN(KeyState state, StateOf(ticket, ToView(it->value())));
    if (rep_->erasing.contains(ticket)) state = KeyState::kErased;
    if (!visit(ticket, state)) break;
  }
  return FromRocks(it->status(), "scanning the key store");
}

Status KeyStore::CopyTo(const std::string& dir) const {
  // Under write_mu: no Destroy runs while the copy is made, so the copy is of the store either
  // before or after any erasure, never in between.
  std::lock_guard write(rep_->write_mu);
  std::shared_lock files(rep_->files_mu);
  rocksdb::Checkpoint* raw = nullptr;
  TL_RETURN_IF_ERROR(
      FromRocks(rocksdb::Checkpoint::Create(rep_->db.get(), &raw), "copying the key store"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: the memtable is flushed first, so the copy is table files only and
  // needs no write-ahead log replayed.
  return FromRocks(checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0),
                   fmt::format("copying the key store to {}", dir));
}

Result<std::optional<std::string>> KeyStore::StoredRecord(uint64_t ticket) const {
  std::shared_lock files(rep_->files_mu);
  return rep_->ReadRecord(ticket);
}

Result<uint64_t> KeyStore::RewrapAll(const std::string& dir, const MasterKey& old_key,
                                     const MasterKey& new_key, Options options) {
  options.create_if_missing = false;
  {
    // A rotation that stopped after its write: the store answers to the new key already.
    Result<std::unique_ptr<KeyStore>> rotated = Open(dir, new_key, options);
    if (rotated.ok()) {
      Rep& rep = *rotated.value()->rep_;
      std::lock_guard write(rep.write_mu);
      std::unique_lock files(rep.files_mu);
      TL_RETURN_IF_ERROR(rep.RetireAll().WithContext("rotating"));
      return uint64_t{0};
    }
    if (rotated.status().reason() != kWrongMasterKey) return rotated.status();
  }
  TL_ASSIGN_OR_RETURN(std::unique_ptr<KeyStore> store, Open(dir, old_key, options));
  Rep& rep = *store->rep_;
  std::lock_guard write(rep.write_mu);
  std::unique_lock files(rep.files_mu);
  rocksdb::WriteBatch batch;
  uint64_t rewrapped = 0;
  {
    // The iterator ends before the retiring below: while it lives it pins the files that hold
    // the old wrapped forms.
    rocksdb::ReadOptions read;
    const rocksdb::Slice upper = ToSlice(kTicketPrefixEnd);
    read.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(rep.db->NewIterator(read));
    for (it->Seek(ToSlice(std::string(1, kTicketPrefix))); it->Valid(); it->Next()) {
      const std::string_view key = ToView(it->key());
      if (!IsTicketKey(key)) {
        return Status::DataLoss(
            fmt::format("key store {}: a key of {} bytes among the tickets", dir, key.size()));
      }
      const uint64_t ticket = TicketOf(key);
      TL_ASSIGN_OR_RETURN(DecodedRecord found,
                          DecodeFullRecord(rep.wrapping_key, ticket, ToView(it->value())));
      if (found.lookup.state != KeyState::kLive) continue;
      // The requester digests stay as they are: they are under the index key, which the store
      // keeps (below) rather than deriving a new one from the new master key.
      TL_RETURN_IF_ERROR(
          FromRocks(batch.Put(ToSlice(key), ToSlice(LiveRecord(new_key.wrapping_key(), ticket,
                                                               found.lookup.key, found.digests))),
                    "staging a re-wrapped key"));
      ++rewrapped;
    }
    TL_RETURN_IF_ERROR(FromRocks(it->status(), "scanning the key store"));
  }
  // The new key-check value goes in the same batch: the store answers to exactly one master key
  // at every moment, whatever a crash interrupts.
  TL_RETURN_IF_ERROR(FromRocks(
      batch.Put(ToSlice(kKeyCheckKey), ToSlice(KeyCheckRecord(new_key.key_check_value()))),
      "staging the new key-check value"));
  // The index key the digests were made with, now wrapped under the new master key, so that
  // every digest stays valid without the addresses it was made of.
  TL_RETURN_IF_ERROR(
      FromRocks(batch.Put(ToSlice(kIndexKeyKey),
                          ToSlice(IndexKeyRecord(new_key.wrapping_key(), rep.index_key))),
                "staging the requester index key"));
  TL_RETURN_IF_ERROR(rep.WriteSynced(batch, "writing re-wrapped keys"));
  rep.wrapping_key = new_key.wrapping_key();
  rep.key_check_value = new_key.key_check_value();
  TL_RETURN_IF_ERROR(rep.RetireAll().WithContext("rotating"));
  return rewrapped;
}

}  // namespace tl::privacy
