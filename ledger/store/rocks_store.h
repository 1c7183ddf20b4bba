// RocksStore: the ledger's RocksDB database and its column families. The only file that sees
// RocksDB; rocksdb::Status becomes tl::Status here and nowhere else.
//
// Thread-safety: reads and Write may run concurrently (RocksDB is thread-safe); a Batch is
// owned by one thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"
#include "ledger/store/fault_injection.h"
#include "ledger/store/table_compression.h"

namespace rocksdb {
class DB;
class Status;
}  // namespace rocksdb

namespace tl::ledger {

// The one place rocksdb::Status becomes ours (rocks_store.cc), for the store's adapters of
// RocksDB: `what` says what was being done.
Status FromRocks(const rocksdb::Status& s, std::string_view what);

enum class Family : uint8_t {
  kEvents,
  kChain,
  kStreams,
  kEventIds,
  kMeta,
  kCheckpoints,  // the projections' checkpoints
  kTree,         // the Merkle tree's tiles
  kSigned,       // the signed checkpoints of the tree
};
constexpr int kFamilyCount = 8;
std::string_view FamilyName(Family f);

class RocksStore {
 public:
  struct Options {
    bool create_if_missing = true;
    bool read_only = false;
    // Write the WAL ahead with zeros, and its records directly at each sync
    // (wal_file_system.h; LogOptions::Tuning::direct_wal). `syncs_commits` says whether the
    // caller syncs the WAL after its commits: only then do direct writes pay.
    bool direct_wal = false;
    bool syncs_commits = true;
    TableCompression compression = TableCompression::kNone;
    // Tests only: the faults to inject under RocksDB (fault_injection.h). Null: none.
    std::shared_ptr<FaultInjector> fault_injector;
  };
  static Result<std::unique_ptr<RocksStore>> Open(const std::string& dir, Options options);
  ~RocksStore();
  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  // An atomic group of puts (there are no deletes in the ledger), bound to this store.
  class Batch {
   public:
    Batch(Batch&&) noexcept;
    Batch& operator=(Batch&&) noexcept;
    ~Batch();
    void Put(Family family, std::string_view key, std::string_view value);
    size_t ByteSize() const;
    size_t Count() const;

   private:
    friend class RocksStore;
    struct Rep;
    explicit Batch(std::unique_ptr<Rep> rep);
    std::unique_ptr<Rep> rep_;
  };
  Batch NewBatch() const;

  // Writes the batch atomically; with sync, returns only once the WAL is on stable storage.
  Status Write(Batch& batch, bool sync);
  // Makes every write completed so far durable (fsync of the write-ahead log).
  Status SyncWal();
  // Starts writing every family's memtable to table files in the background, without waiting.
  Status StartFlush();
  // Writes every family's memtable to table files and compacts each family into its final
  // form, waiting for both: what a family costs on disk once nothing of it is left in memory
  // or in overlapping files (bench proofs, docs/benchmarks.md).
  Status FlushAndCompact();
  // The bytes of a family's live table files (RocksDB's rocksdb.live-sst-files-size).
  Result<uint64_t> TableFileBytes(Family family) const;
  // After a storage error, makes RocksDB take writes again (DB::Resume: it flushes every
  // family's memtable), but only where that is safe in this process: the error came from a
  // table file or the MANIFEST (a flush or compaction that ran out of space), and RocksDB's
  // write-ahead log never failed since the store was opened. After a WAL error only a restart
  // recovers (kUnavailable): RocksDB keeps the WAL's writer in its error state when no
  // memtable needs a flush, so the next write would meet an assert, and a batch the log
  // refused may be in a memtable that the resume would flush (log_writer.h).
  // Storage errors come back as from Write: kResourceExhausted while the disk is still full.
  // Any thread; RocksDB serialises it with writes.
  Status Resume();
  // A single put outside any batch (checkpoints).
  Status Put(Family family, std::string_view key, std::string_view value, bool sync);

  // The value, std::nullopt when absent.
  Result<std::optional<std::string>> Get(Family family, std::string_view key) const;

  // How a scan uses the block cache. A bulk scan (replay, verify, export: the whole log once)
  // reads around it: caching its blocks would evict the index blocks the appends and point
  // reads need, and fill the cache (256 MiB) with data nobody reads again.
  enum class CacheUse { kFill, kBypass };
  // Visits keys in [start, end) in order (end empty = to the end of the family). `visit`
  // returns false to stop. Iteration errors are returned.
  Status Scan(Family family, std::string_view start, std::string_view end,
              const std::function<bool(std::string_view key, std::string_view value)>& visit,
              CacheUse cache = CacheUse::kFill) const;
  // A forward iterator over the keys in [start, end) of one family, for a walk over two
  // families in step (the events beside their chain hashes), which a visitor cannot do.
  class Cursor {
   public:
    Cursor(Cursor&&) noexcept;
    Cursor& operator=(Cursor&&) noexcept;
    ~Cursor();
    bool Valid() const;
    void Next();
    // Valid only until the next Next().
    std::string_view key() const;
    std::string_view value() const;
    // The iteration's error, if it stopped on one (check once Valid() is false).
    Status status() const;

   private:
    friend class RocksStore;
    struct Rep;
    explicit Cursor(std::unique_ptr<Rep> rep);
    std::unique_ptr<Rep> rep_;
  };
  Cursor NewCursor(Family family, std::string_view start, std::string_view end,
                   CacheUse cache = CacheUse::kFill) const;
  // The last entry with a key < `before` (a reverse seek), std::nullopt when none.
  Result<std::optional<std::pair<std::string, std::string>>> Last(Family family,
                                                                  std::string_view before) const;

  bool read_only() const { return read_only_; }
  // The database, for the store's other adapters of RocksDB (rocks_backup.cc) only.
  rocksdb::DB& db() const;

 private:
  struct Handles;
  RocksStore(std::unique_ptr<Handles> handles, bool read_only);
  std::unique_ptr<Handles> h_;
  bool read_only_;
};

}  // namespace tl::ledger
