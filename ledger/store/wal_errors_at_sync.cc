#include "ledger/store/wal_errors_at_sync.h"

#include <algorithm>
#include <mutex>
#include <string>

#include "ledger/store/wal_file_system.h"

namespace tl::ledger {

void WalFailure::Note(const rocksdb::IOStatus& s) {
  std::lock_guard lock(mu_);
  if (first_.ok()) first_ = s;
}

rocksdb::IOStatus WalFailure::First() const {
  std::lock_guard lock(mu_);
  return first_;
}

namespace {

class WalErrorsAtSyncFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  // `existing`: the bytes already in the file (a reopened WAL), taken as synced.
  WalErrorsAtSyncFile(std::unique_ptr<rocksdb::FSWritableFile> file,
                      std::shared_ptr<WalFailure> failure, uint64_t existing)
      : FSWritableFileOwnerWrapper(std::move(file)),
        written_(existing),
        synced_(existing),
        failure_(std::move(failure)) {}
  // RocksDB closes its files; should one be dropped unclosed, it is still cut back.
  ~WalErrorsAtSyncFile() override {
    if (!closed_) Close(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
  }
  WalErrorsAtSyncFile(const WalErrorsAtSyncFile&) = delete;
  WalErrorsAtSyncFile& operator=(const WalErrorsAtSyncFile&) = delete;

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (Lost()) return rocksdb::IOStatus::OK();
    return Written(FSWritableFileOwnerWrapper::Append(data, options, dbg), data.size());
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (Lost()) return rocksdb::IOStatus::OK();
    return Written(FSWritableFileOwnerWrapper::Append(data, options, info, dbg), data.size());
  }
  // RocksDB appends to a WAL only at its end; the same bookkeeping holds.
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    if (Lost()) return rocksdb::IOStatus::OK();
    return Written(FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg),
                   data.size());
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    if (Lost()) return rocksdb::IOStatus::OK();
    return Written(FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg),
                   data.size());
  }
  // Flush and RangeSync are steps of RocksDB's write path (WritableFileWriter::Flush), not
  // promises of durability: their errors wait for the sync too.
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (Lost()) return rocksdb::IOStatus::OK();
    return Written(FSWritableFileOwnerWrapper::Flush(options, dbg), 0);
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    if (Lost()) return rocksdb::IOStatus::OK();
    return Written(FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg), 0);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    uint64_t covers = 0;
    if (rocksdb::IOStatus lost = SyncStarts(&covers); !lost.ok()) return lost;
    return Synced(FSWritableFileOwnerWrapper::Sync(options, dbg), covers);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    uint64_t covers = 0;
    if (rocksdb::IOStatus lost = SyncStarts(&covers); !lost.ok()) return lost;
    return Synced(FSWritableFileOwnerWrapper::Fsync(options, dbg), covers);
  }
  // A file that lost a write is cut back to what its last successful sync covered, so that
  // nothing never reported durable is left for a restart to replay: the batches written since
  // were all refused. (A crash leaves what the kernel had written by then.)
  rocksdb::IOStatus Close(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    uint64_t synced = 0;
    bool lost = false;
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      lost = !lost_.ok();
      synced = synced_;
    }
    if (lost) {
      rocksdb::IOStatus cut = FSWritableFileOwnerWrapper::Truncate(synced, options, dbg);
      rocksdb::IOStatus closed = FSWritableFileOwnerWrapper::Close(options, dbg);
      return cut.ok() ? closed : cut;
    }
    return FSWritableFileOwnerWrapper::Close(options, dbg);
  }

 private:
  bool Lost() {
    std::lock_guard lock(mu_);
    return !lost_.ok();
  }
  // A write's outcome (`bytes` written if OK): its error is kept for the next sync, and the
  // write reports OK.
  rocksdb::IOStatus Written(rocksdb::IOStatus s, size_t bytes) {
    if (!s.ok()) {
      Report(std::move(s)).PermitUncheckedError();
    } else {
      std::lock_guard lock(mu_);
      written_ += bytes;
    }
    return rocksdb::IOStatus::OK();
  }
  // Before a sync: the error that fails it at once, else OK and how far it will cover.
  rocksdb::IOStatus SyncStarts(uint64_t* covers) {
    std::lock_guard lock(mu_);
    *covers = written_;
    return lost_;
  }
  rocksdb::IOStatus Synced(rocksdb::IOStatus s, uint64_t covered) {
    if (!s.ok()) return Report(std::move(s));
    std::lock_guard lock(mu_);
    synced_ = std::max(synced_, covered);
    return s;
  }
  // A sync's outcome, reported; an error is also kept for every later sync.
  rocksdb::IOStatus Report(rocksdb::IOStatus s) {
    if (!s.ok()) {
      if (failure_) failure_->Note(s);
      std::lock_guard lock(mu_);
      if (lost_.ok()) lost_ = s;
    }
    return s;
  }

  // Held for no I/O, so that a sync never waits for a write or the reverse (RocksDB runs them
  // at once: IsSyncThreadSafe). A write that failed before a sync began is seen by that sync,
  // since it kept its error under mu_ before it returned; likewise a sync covers the writes
  // counted before it began.
  std::mutex mu_;
  rocksdb::IOStatus lost_;  // guarded by mu_: the first error; OK while nothing is lost
  uint64_t written_;        // guarded by mu_: the bytes written to the file
  uint64_t synced_;         // guarded by mu_: the bytes a successful sync covered
  bool closed_ = false;     // guarded by mu_
  const std::shared_ptr<WalFailure> failure_;
};

class WalErrorsAtSyncFileSystem : public rocksdb::FileSystemWrapper {
 public:
  WalErrorsAtSyncFileSystem(std::shared_ptr<rocksdb::FileSystem> base,
                            std::shared_ptr<WalFailure> failure)
      : FileSystemWrapper(std::move(base)), failure_(std::move(failure)) {}
  const char* Name() const override { return "WalErrorsAtSyncFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FileSystemWrapper::NewWritableFile(path, options, result, dbg);
    if (s.ok() && IsWalFileName(path)) {
      *result = std::make_unique<WalErrorsAtSyncFile>(std::move(*result), failure_, 0);
    }
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FileSystemWrapper::ReopenWritableFile(path, options, result, dbg);
    if (s.ok() && IsWalFileName(path)) {
      const uint64_t existing = (*result)->GetFileSize(options.io_options, dbg);
      *result = std::make_unique<WalErrorsAtSyncFile>(std::move(*result), failure_, existing);
    }
    return s;
  }

 private:
  const std::shared_ptr<WalFailure> failure_;
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> NewWalErrorsAtSyncFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, std::shared_ptr<WalFailure> failure) {
  return std::make_shared<WalErrorsAtSyncFileSystem>(std::move(base), std::move(failure));
}

}  // namespace tl::ledger
