#include "ledger/store/rocks_store.h"

#include <fmt/format.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "ledger/store/fault_file_system.h"
#include "ledger/store/rocks_logger.h"
#include "ledger/store/wal_errors_at_sync.h"
#include "ledger/store/wal_file_system.h"

namespace tl::ledger {
namespace {

constexpr std::array<std::string_view, kFamilyCount> kFamilyNames = {
    "events", "chain", "streams", "event_ids", "meta", "checkpoints", "tree", "signed"};

// Whether RocksDB says the disk is full: its NoSpace (RocksDB's POSIX file system and ours
// report ENOSPC so), or an I/O error whose text is ENOSPC's or EDQUOT's, from code that reports
// errno only as text.
bool IsNoSpace(const rocksdb::Status& s) {
  if (s.IsNoSpace() || s.subcode() == rocksdb::Status::kSpaceLimit) return true;
  if (!s.IsIOError()) return false;
  const std::string text = s.ToString();
  return text.find(std::strerror(ENOSPC)) != std::string::npos ||
         text.find(std::strerror(EDQUOT)) != std::string::npos;
}

// A failed write or sync, told by what broke the WAL if it broke: once a write or sync of a
// WAL file has failed, RocksDB fails later ones with "Writer has previous error", whatever the
// cause (wal_errors_at_sync.h).
Status FromWalWork(const WalFailure* failure, const rocksdb::Status& s, std::string_view what) {
  if (!s.ok() && failure) {
    if (const rocksdb::IOStatus first = failure->First(); !first.ok()) {
      return FromRocks(first, fmt::format("{} (the write-ahead log failed)", what));
    }
  }
  return FromRocks(s, what);
}

// Watches RocksDB's background errors, and keeps its automatic recovery off.
//
// RocksDB resumes by itself after some errors: after ENOSPC once its SstFileManager sees free
// space, after retryable I/O errors on a thread of its own. A resume flushes every memtable,
// and after a failed WAL sync a memtable can hold a batch the log refused (written, never
// synced, never acknowledged): the flush would make it durable behind the log's back. So the
// ledger alone decides when RocksDB resumes (RocksStore::Resume, asked by the log writer), and
// only after errors that never touched the WAL. RocksDB reports a failed WAL write or sync as
// kWriteCallback (and a memtable that disagrees with the WAL as kMemTable); errors of flushes,
// compactions and the MANIFEST come with their own reasons. (A WAL sync that fails inside a
// flush comes as kFlush: the WAL's file system records it too, in WalFailure.)
class ErrorWatch : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "tl::ErrorWatch"; }
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status*) override {
    if (reason == rocksdb::BackgroundErrorReason::kWriteCallback ||
        reason == rocksdb::BackgroundErrorReason::kMemTable) {
      wal_failed_.store(true);
    }
  }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
  // RocksDB tells the listener on the failing thread before its call returns the error, so a
  // failed Write is seen here by the time the writer learns of it.
  bool wal_failed() const { return wal_failed_.load(); }

 private:
  std::atomic<bool> wal_failed_{false};
};

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

rocksdb::CompressionType ToRocks(TableCompression compression) {
  switch (compression) {
    case TableCompression::kNone:
      return rocksdb::kNoCompression;
    case TableCompression::kSnappy:
      return rocksdb::kSnappyCompression;
    case TableCompression::kLz4:
      return rocksdb::kLZ4Compression;
    case TableCompression::kZstd:
      return rocksdb::kZSTD;
  }
  return rocksdb::kNoCompression;
}

rocksdb::ColumnFamilyOptions FamilyOptions(Family family,
                                           const std::shared_ptr<rocksdb::Cache>& cache,
                                           TableCompression compression) {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Point lookups dominate the indexes (is this event id known? what is this stream's last
  // version?), so a Bloom filter saves a disk read per miss there.
  if (family == Family::kEventIds || family == Family::kStreams) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  // Most event-id lookups are for ids that are not there (new appends); a memtable Bloom
  // filter answers those without searching the memtable's skip list.
  if (family == Family::kEventIds) {
    options.memtable_prefix_bloom_size_ratio = 0.02;
    options.memtable_whole_key_filtering = true;
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = ToRocks(compression);  // none by default: table_compression.h
  // Keys of events and chain only grow, and a stream's keys grow within its prefix: an insert
  // hint per prefix turns the memtable's skip-list search into an append (profiled: the
  // search was most of the write path's memtable cost).
  if (family == Family::kEvents || family == Family::kChain || family == Family::kEventIds ||
      family == Family::kSigned) {
    options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(0));
  } else if (family == Family::kStreams || family == Family::kTree) {
    // A stream's keys, and a tile's pieces, grow within a 9-byte prefix.
    options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(9));
  }
  return options;
}

// Turns RocksDB's per-thread performance counters off on the calling thread, once. RocksDB
// counts by default (every key comparison, every memtable insert), and each count reaches a
// thread-local of the shared library through __tls_get_addr: 10 % of the log writer's
// instructions (callgrind, a 21 k-row import). The ledger never reads these counters.
void StopPerfCounters() {
  thread_local bool stopped = false;
  if (stopped) return;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  stopped = true;
}

}  // namespace

Result<TableCompression> ParseTableCompression(std::string_view name) {
  static constexpr std::pair<std::string_view, TableCompression> kNames[] = {
      {"none", TableCompression::kNone},
      {"snappy", TableCompression::kSnappy},
      {"lz4", TableCompression::kLz4},
      {"zstd", TableCompression::kZstd}};
  for (const auto& [known, compression] : kNames) {
    if (name != known) continue;
    const rocksdb::CompressionType type = ToRocks(compression);
    const std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
    if (type != rocksdb::kNoCompression &&
        std::find(supported.begin(), supported.end(), type) == supported.end()) {
      return Status::BadField(fmt::format("this build of RocksDB cannot write {} tables", name));
    }
    return compression;
  }
  return Status::BadField(
      fmt::format("unknown compression \"{}\": none, snappy, lz4 or zstd", name));
}

// The one place rocksdb::Status becomes ours, by what the caller does next: storage full
// (retry once space is freed), the data damaged (stop and investigate), anything else a
// failure of storage that may pass (retry later).
Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string message = fmt::format("{}: {}", what, s.ToString());
  if (s.IsCorruption()) return Status::DataLoss(std::move(message));
  if (IsNoSpace(s)) return Status::ResourceExhausted(std::move(message));
  return Status::Unavailable(std::move(message));
}

std::string_view FamilyName(Family f) { return kFamilyNames[static_cast<size_t>(f)]; }

struct RocksStore::Handles {
  std::unique_ptr<rocksdb::Env> env;  // declared first: outlives db
  std::shared_ptr<ErrorWatch> errors;
  std::shared_ptr<WalFailure> wal_failure;  // null when read-only
  std::unique_ptr<rocksdb::DB> db;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilyCount> families{};
  rocksdb::ColumnFamilyHandle* default_family = nullptr;
  bool flush_on_close = false;

  rocksdb::ColumnFamilyHandle* cf(Family f) const { return families[static_cast<size_t>(f)]; }
  std::vector<rocksdb::ColumnFamilyHandle*> all() const {
    return std::vector<rocksdb::ColumnFamilyHandle*>(families.begin(), families.end());
  }

  ~Handles() {
    if (!db) return;
    if (flush_on_close) {
      // Persist the memtables so the next open need not replay the WAL (seconds after a bulk
      // import). Best effort: the WAL still holds everything if this fails.
      rocksdb::FlushOptions flush;
      db->Flush(flush, all()).PermitUncheckedError();
    }
    for (auto* handle : families) {
      if (handle) db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    if (default_family) db->DestroyColumnFamilyHandle(default_family).PermitUncheckedError();
    // Close flushes nothing we need (the WAL is durable); its error only means the files are
    // left as after a crash, which recovery handles.
    db->Close().PermitUncheckedError();
  }
};

struct RocksStore::Batch::Rep {
  const Handles* handles;
  rocksdb::WriteBatch batch;
};

RocksStore::Batch::Batch(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
RocksStore::Batch::Batch(Batch&&) noexcept = default;
RocksStore::Batch& RocksStore::Batch::operator=(Batch&&) noexcept = default;
RocksStore::Batch::~Batch() = default;

RocksStore::Batch RocksStore::NewBatch() const {
  auto rep = std::make_unique<Batch::Rep>();
  rep->handles = h_.get();
  return Batch(std::move(rep));
}
size_t RocksStore::Batch::ByteSize() const { return rep_->batch.GetDataSize(); }
size_t RocksStore::Batch::Count() const { return rep_->batch.Count(); }

RocksStore::RocksStore(std::unique_ptr<Handles> handles, bool read_only)
    : h_(std::move(handles)), read_only_(read_only) {}
RocksStore::~RocksStore() = default;

rocksdb::DB& RocksStore::db() const { return *h_->db; }

Result<std::unique_ptr<RocksStore>> RocksStore::Open(const std::string& dir, Options opts) {
  // One block cache per store, shared by its families and owned with them: no process-wide
  // cache (a singleton outlives the stores and couples the tests' ledgers).
  const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(256u << 20);
  rocksdb::DBOptions options;
  options.create_if_missing = opts.create_if_missing;
  options.create_missing_column_families = opts.create_if_missing;
  options.paranoid_checks = true;
  options.max_background_jobs = 2;
  options.keep_log_file_num = 4;
  // The meta family is written by every commit but holds one key, so its memtable never fills
  // and would keep every WAL file alive (seen: 2 GB of WAL after a 500 k-ticket history). Past
  // this size RocksDB flushes the families that pin the oldest WAL, so it can be deleted.
  options.max_total_wal_size = 256u << 20;
  // One writer thread writes every batch, so RocksDB's concurrent memtable inserts buy nothing,
  // and turning them off is what enables the insert hints above.
  options.allow_concurrent_memtable_write = false;
  // RocksDB's info log goes to stderr as the ledger's log lines, warnings and errors only: its
  // own LOG file is one more file a full disk fails, and the write after such a failure aborts
  // (rocks_logger.h).
  options.info_log = NewStderrJsonLogger();
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // No automatic recovery from background errors: the ledger decides (ErrorWatch above).
  auto errors = std::make_shared<ErrorWatch>();
  options.listeners.push_back(errors);
  options.max_bgerror_resume_count = 0;

  // The file systems under RocksDB, outermost first: the WAL's errors reported at its syncs
  // (wal_errors_at_sync.h), the tests' faults (fault_injection.h), the WAL written ahead
  // (wal_file_system.h), the operating system.
  std::unique_ptr<rocksdb::Env> env;
  std::shared_ptr<WalFailure> wal_failure;
  if (!opts.read_only) {
    wal_failure = std::make_shared<WalFailure>();
    std::shared_ptr<rocksdb::FileSystem> fs = rocksdb::FileSystem::Default();
    if (opts.direct_wal) {
      fs = NewPrewrittenWalFileSystem(fs,
                                      opts.syncs_commits ? WalWrites::kDirect : WalWrites::kCached);
    }
    if (opts.fault_injector) fs = NewFaultInjectingFileSystem(fs, opts.fault_injector);
    env = rocksdb::NewCompositeEnv(NewWalErrorsAtSyncFileSystem(fs, wal_failure));
    options.env = env.get();
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (int i = 0; i < kFamilyCount; ++i) {
    descriptors.emplace_back(std::string(kFamilyNames[i]),
                             FamilyOptions(static_cast<Family>(i), cache, opts.compression));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = opts.read_only
                          ? rocksdb::DB::OpenForReadOnly(options, dir, descriptors, &handles, &raw)
                          : rocksdb::DB::Open(options, dir, descriptors, &handles, &raw);
  auto owned = std::make_unique<Handles>();
  owned->env = std::move(env);
  owned->errors = std::move(errors);
  owned->wal_failure = std::move(wal_failure);
  owned->db.reset(raw);  // DB::Open hands over an owning raw pointer: wrap it at once
  if (!s.ok()) {
    for (auto* handle : handles) {
      if (raw) raw->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    return FromRocks(s, fmt::format("opening {}", dir));
  }
  owned->default_family = handles[0];
  owned->flush_on_close = !opts.read_only;
  for (int i = 0; i < kFamilyCount; ++i) owned->families[i] = handles[i + 1];
  return std::unique_ptr<RocksStore>(new RocksStore(std::move(owned), opts.read_only));
}

void RocksStore::Batch::Put(Family family, std::string_view key, std::string_view value) {
  // WriteBatch::Put only fails past its 4 GiB size limit, which max_batch_bytes keeps far away.
  rep_->batch.Put(rep_->handles->cf(family), ToSlice(key), ToSlice(value)).PermitUncheckedError();
}

Status RocksStore::Write(Batch& batch, bool sync) {
  rocksdb::WriteOptions options;
  // sync = true: the WAL is fsync'ed before Write returns, so an acknowledged event survives
  // power loss. This is the ledger's durability promise; it costs one fsync per group commit.
  options.sync = sync;
  StopPerfCounters();
  return FromWalWork(h_->wal_failure.get(), h_->db->Write(options, &batch.rep_->batch), "write");
}

Status RocksStore::SyncWal() {
  return FromWalWork(h_->wal_failure.get(), h_->db->SyncWAL(), "syncing the WAL");
}

Status RocksStore::StartFlush() {
  rocksdb::FlushOptions flush;
  flush.wait = false;
  flush.allow_write_stall = true;  // never hold up the writer for it
  return FromRocks(h_->db->Flush(flush, h_->all()), "starting a flush");
}

Status RocksStore::FlushAndCompact() {
  if (read_only_) return Status::BadField("the store is open read-only");
  rocksdb::FlushOptions flush;  // waits
  TL_RETURN_IF_ERROR(FromRocks(h_->db->Flush(flush, h_->all()), "flushing"));
  // The ledger writes no key twice, so there is nothing to drop: files already on the last
  // level are left as they are (RocksDB's default), and a second call rewrites nothing.
  rocksdb::CompactRangeOptions compact;
  for (auto* family : h_->families) {
    TL_RETURN_IF_ERROR(
        FromRocks(h_->db->CompactRange(compact, family, nullptr, nullptr), "compacting"));
  }
  return Status::Ok();
}

Result<uint64_t> RocksStore::TableFileBytes(Family family) const {
  uint64_t bytes = 0;
  if (!h_->db->GetIntProperty(h_->cf(family), rocksdb::DB::Properties::kLiveSstFilesSize, &bytes)) {
    return Status::Unavailable(
        fmt::format("RocksDB does not tell the size of the {} family", FamilyName(family)));
  }
  return bytes;
}

Status RocksStore::Resume() {
  if (h_->errors->wal_failed() || (h_->wal_failure && !h_->wal_failure->First().ok())) {
    return Status::Unavailable(
        "RocksDB's write-ahead log failed in this process; only a restart recovers the log");
  }
  return FromRocks(h_->db->Resume(), "resuming after a storage error");
}

Status RocksStore::Put(Family family, std::string_view key, std::string_view value, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  StopPerfCounters();
  return FromWalWork(h_->wal_failure.get(),
                     h_->db->Put(options, h_->cf(family), ToSlice(key), ToSlice(value)), "put");
}

Result<std::optional<std::string>> RocksStore::Get(Family family, std::string_view key) const {
  StopPerfCounters();
  std::string value;
  rocksdb::Status s = h_->db->Get(rocksdb::ReadOptions(), h_->cf(family), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  TL_RETURN_IF_ERROR(FromRocks(s, fmt::format("reading {}", FamilyName(family))));
  return std::optional<std::string>(std::move(value));
}

namespace {

// Long scans read around the block cache, and read ahead in large steps: a replay reads the
// whole log once, in key order, and a 4 KiB read per block (RocksDB's readahead starts there)
// costs a system call each.
rocksdb::ReadOptions ScanOptions(RocksStore::CacheUse cache) {
  rocksdb::ReadOptions options;
  options.fill_cache = cache == RocksStore::CacheUse::kFill;
  if (cache == RocksStore::CacheUse::kBypass) options.readahead_size = 2 << 20;
  return options;
}

}  // namespace

struct RocksStore::Cursor::Rep {
  Family family;
  std::string upper;  // the iterator's bound points into it
  rocksdb::Slice upper_slice;
  std::unique_ptr<rocksdb::Iterator> it;
};

RocksStore::Cursor::Cursor(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
RocksStore::Cursor::Cursor(Cursor&&) noexcept = default;
RocksStore::Cursor& RocksStore::Cursor::operator=(Cursor&&) noexcept = default;
RocksStore::Cursor::~Cursor() = default;
bool RocksStore::Cursor::Valid() const { return rep_->it->Valid(); }
void RocksStore::Cursor::Next() { rep_->it->Next(); }
std::string_view RocksStore::Cursor::key() const { return ToView(rep_->it->key()); }
std::string_view RocksStore::Cursor::value() const { return ToView(rep_->it->value()); }
Status RocksStore::Cursor::status() const {
  return FromRocks(rep_->it->status(), fmt::format("scanning {}", FamilyName(rep_->family)));
}

RocksStore::Cursor RocksStore::NewCursor(Family family, std::string_view start,
                                         std::string_view end, CacheUse cache) const {
  StopPerfCounters();
  auto rep = std::make_unique<Cursor::Rep>();
  rep->family = family;
  rep->upper = std::string(end);
  rep->upper_slice = ToSlice(rep->upper);
  rocksdb::ReadOptions options = ScanOptions(cache);
  if (!end.empty()) options.iterate_upper_bound = &rep->upper_slice;
  rep->it.reset(h_->db->NewIterator(options, h_->cf(family)));
  rep->it->Seek(ToSlice(start));
  return Cursor(std::move(rep));
}

Status RocksStore::Scan(Family family, std::string_view start, std::string_view end,
                        const std::function<bool(std::string_view, std::string_view)>& visit,
                        CacheUse cache) const {
  Cursor cursor = NewCursor(family, start, end, cache);
  for (; cursor.Valid(); cursor.Next()) {
    if (!visit(cursor.key(), cursor.value())) break;
  }
  return cursor.status();
}

Result<std::optional<std::pair<std::string, std::string>>> RocksStore::Last(
    Family family, std::string_view before) const {
  StopPerfCounters();
  std::unique_ptr<rocksdb::Iterator> it(
      h_->db->NewIterator(rocksdb::ReadOptions(), h_->cf(family)));
  if (before.empty()) {
    it->SeekToLast();
  } else {
    it->SeekForPrev(ToSlice(before));
    if (it->Valid() && ToView(it->key()) == before) it->Prev();
  }
  TL_RETURN_IF_ERROR(FromRocks(it->status(), fmt::format("seeking {}", FamilyName(family))));
  if (!it->Valid()) return std::optional<std::pair<std::string, std::string>>();
  return std::optional<std::pair<std::string, std::string>>(
      std::make_pair(std::string(ToView(it->key())), std::string(ToView(it->value()))));
}

}  // namespace tl::ledger
