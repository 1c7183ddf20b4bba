#include "ledger/store/wal_file_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>

#include "ledger/store/aligned_bytes.h"

namespace tl::ledger {
namespace {

// The zeros run 4-8 MiB ahead of the log: one extension every 4 MiB of log (about 7 000
// appends of the benchmark), each written once.
constexpr uint64_t kAheadStep = 4u << 20;
constexpr size_t kZeroChunk = 1u << 20;
// With direct writes, at most this much of the log waits in memory for a sync; past it the
// appending thread writes it out. The ledger syncs every commit (a bulk batch is at most 16
// MiB), so only a log opened without syncs gets here, and that one uses ordinary writes.
constexpr size_t kMaxUnsynced = 64u << 20;

rocksdb::IOStatus ErrnoStatus(const std::string& what, const std::string& path) {
  const int error = errno;  // before anything below can change it
  if (error == ENOSPC || error == EDQUOT) {
    // As RocksDB's own POSIX files report a full disk: the ledger answers it as storage full,
    // and RocksDB counts it among the errors it can recover from.
    rocksdb::IOStatus s = rocksdb::IOStatus::NoSpace(what + " " + path, std::strerror(error));
    s.SetRetryable(true);
    return s;
  }
  return rocksdb::IOStatus::IOError(what + " " + path, std::strerror(error));
}

rocksdb::IOStatus OutOfMemory(const std::string& path) {
  return rocksdb::IOStatus::NoSpace("no memory for the log's unsynced bytes", path);
}

rocksdb::IOStatus WriteAt(int fd, const char* data, size_t n, uint64_t offset,
                          const std::string& path) {
  while (n > 0) {
    const ssize_t done = pwrite(fd, data, n, static_cast<off_t>(offset));
    if (done < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("writing", path);
    }
    data += done;
    n -= static_cast<size_t>(done);
    offset += static_cast<uint64_t>(done);
  }
  return rocksdb::IOStatus::OK();
}

class PrewrittenWalFile : public rocksdb::FSWritableFile {
 public:
  // `direct_fd`: the same file opened with O_DIRECT, or -1 for ordinary writes.
  PrewrittenWalFile(std::string path, int fd, int direct_fd)
      : path_(std::move(path)), fd_(fd), direct_fd_(direct_fd) {}
  ~PrewrittenWalFile() override { CloseFile().PermitUncheckedError(); }
  PrewrittenWalFile(const PrewrittenWalFile&) = delete;
  PrewrittenWalFile& operator=(const PrewrittenWalFile&) = delete;

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions&,
                           rocksdb::IODebugContext*) override {
    bool write_out = false;
    {
      std::lock_guard lock(mu_);
      if (log_size_ + data.size() > file_size_) {
        if (rocksdb::IOStatus s = WriteZerosAhead(log_size_ + data.size()); !s.ok()) return s;
      }
      if (direct_fd_ >= 0) {
        if (!unsynced_.Append(data.data(), data.size())) return OutOfMemory(path_);
        write_out = unsynced_.size() > kMaxUnsynced;
      } else if (rocksdb::IOStatus s = WriteAt(fd_, data.data(), data.size(), log_size_, path_);
                 !s.ok()) {
        return s;
      }
      log_size_ += data.size();
    }
    if (write_out) {  // nobody syncs: write it out here rather than hold it all in memory
      std::lock_guard sync_lock(sync_mu_);
      return WriteUnsynced();
    }
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo&,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions&,
                             rocksdb::IODebugContext*) override {
    std::lock_guard sync_lock(sync_mu_);
    if (rocksdb::IOStatus s = WriteUnsynced(); !s.ok()) return s;
    std::lock_guard lock(mu_);
    if (ftruncate(fd_, static_cast<off_t>(size)) != 0) return ErrnoStatus("truncating", path_);
    log_size_ = file_size_ = size;
    // A direct write starts at a block boundary, so after a cut in mid-block it would have to
    // read back the bytes before the cut. RocksDB does not truncate a WAL it is writing; if it
    // ever does, the file goes on with ordinary writes.
    StopDirectWrites();
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Close(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return CloseFile();
  }
  // Nothing to do: ordinary appends reached the kernel at once, and direct ones wait for the
  // next Sync (RocksDB calls Flush after every write; a direct write each time would put a disk
  // write on the writer thread).
  rocksdb::IOStatus Flush(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return WriteAndSync(fdatasync);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return WriteAndSync(fsync);
  }
  // Append and Sync may run at once: the log's sync thread fsyncs while its writer appends the
  // next batch (SyncWAL relies on this). mu_ guards what both touch; it is held for copies and
  // writes into the page cache, never across a direct write or an fsync.
  bool IsSyncThreadSafe() const override { return true; }
  uint64_t GetFileSize(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    std::lock_guard lock(mu_);
    return log_size_;
  }

 private:
  // `sync`: fdatasync or fsync.
  rocksdb::IOStatus WriteAndSync(int (*sync)(int)) {
    std::lock_guard sync_lock(sync_mu_);
    if (rocksdb::IOStatus s = WriteUnsynced(); !s.ok()) return s;
    if (sync(fd_) != 0) return ErrnoStatus("syncing", path_);
    return rocksdb::IOStatus::OK();
  }

  // Under mu_.
  rocksdb::IOStatus WriteZerosAhead(uint64_t needed) {
    static const std::string zeros(kZeroChunk, '\0');
    const uint64_t from = file_size_;
    const uint64_t to = (needed / kAheadStep + 2) * kAheadStep;
    while (file_size_ < to) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kZeroChunk, to - file_size_));
      if (rocksdb::IOStatus s = WriteAt(fd_, zeros.data(), n, file_size_, path_); !s.ok()) {
        return s;
      }
      file_size_ += n;
    }
    // Best effort: the next fdatasync writes whatever is still dirty.
    sync_file_range(fd_, static_cast<off_t>(from), static_cast<off_t>(to - from),
                    SYNC_FILE_RANGE_WRITE);
    return rocksdb::IOStatus::OK();
  }

  // Under sync_mu_ (not mu_, which the writer needs meanwhile): writes the log's bytes that
  // are not in the file yet, from the start of the block they begin in, with one direct write.
  // The padding up to the block's end overwrites zeros with zeros: the file runs at least
  // 4 MiB past the log.
  rocksdb::IOStatus WriteUnsynced() {
    uint64_t offset = 0, end = 0;
    {
      std::lock_guard lock(mu_);
      if (direct_fd_ < 0 || log_size_ == written_end_) return rocksdb::IOStatus::OK();
      offset = unsynced_offset_;
      end = log_size_;
      if (!out_.AssignPadded(unsynced_.data(), unsynced_.size())) return OutOfMemory(path_);
    }
    if (rocksdb::IOStatus s = WriteAt(direct_fd_, out_.data(), out_.size(), offset, path_);
        !s.ok()) {
      return s;
    }
    std::lock_guard lock(mu_);
    written_end_ = end;
    // The last block stays, partial: the next write rewrites it with what follows.
    const uint64_t whole_blocks_end = end / AlignedBytes::kBlock * AlignedBytes::kBlock;
    unsynced_.DropFront(static_cast<size_t>(whole_blocks_end - unsynced_offset_));
    unsynced_offset_ = whole_blocks_end;
    return rocksdb::IOStatus::OK();
  }

  // Under mu_.
  void StopDirectWrites() {
    if (direct_fd_ >= 0) close(direct_fd_);
    direct_fd_ = -1;
    unsynced_.Clear();
  }

  rocksdb::IOStatus CloseFile() {
    std::lock_guard sync_lock(sync_mu_);
    if (fd_ < 0) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus s = WriteUnsynced();
    std::lock_guard lock(mu_);
    StopDirectWrites();
    if (ftruncate(fd_, static_cast<off_t>(log_size_)) != 0 && s.ok()) {
      s = ErrnoStatus("truncating", path_);
    }
    if (close(fd_) != 0 && s.ok()) s = ErrnoStatus("closing", path_);
    fd_ = -1;
    return s;
  }

  const std::string path_;
  std::mutex sync_mu_;  // one Sync, Truncate or Close at a time; taken before mu_
  AlignedBytes out_;    // guarded by sync_mu_: the bytes of the direct write under way
  mutable std::mutex mu_;
  int fd_;                  // closed only under both mutexes
  int direct_fd_;           // guarded by mu_; -1: ordinary writes
  uint64_t log_size_ = 0;   // guarded by mu_: the log's bytes, at the start of the file
  uint64_t file_size_ = 0;  // guarded by mu_: the log's bytes and the zeros after them
  // Guarded by mu_, with direct writes: the log's bytes from unsynced_offset_ (a block
  // boundary) on, which the next direct write writes, and how far the file holds the log.
  AlignedBytes unsynced_;
  uint64_t unsynced_offset_ = 0;
  uint64_t written_end_ = 0;
};

class PrewrittenWalFileSystem : public rocksdb::FileSystemWrapper {
 public:
  PrewrittenWalFileSystem(std::shared_ptr<rocksdb::FileSystem> base, WalWrites writes)
      : FileSystemWrapper(std::move(base)), writes_(writes) {}
  const char* Name() const override { return "PrewrittenWalFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    if (!IsWalFileName(path) || options.use_direct_writes || options.use_mmap_writes) {
      return FileSystemWrapper::NewWritableFile(path, options, result, dbg);
    }
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("creating", path);
    // -1 where the file system refuses O_DIRECT (tmpfs: EINVAL): ordinary writes then.
    const int direct_fd =
        writes_ == WalWrites::kDirect ? open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC) : -1;
    *result = std::make_unique<PrewrittenWalFile>(path, fd, direct_fd);
    return rocksdb::IOStatus::OK();
  }
  // ReopenWritableFile stays the base's: RocksDB reopens a WAL only to truncate it to what
  // recovery read (avoid_flush_during_recovery, which the ledger leaves off), never to append.

 private:
  const WalWrites writes_;
};

}  // namespace

bool IsWalFileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string_view name = slash == std::string::npos
                                    ? std::string_view(path)
                                    : std::string_view(path).substr(slash + 1);
  constexpr std::string_view kSuffix = ".log";
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return false;
  return std::all_of(name.begin(), name.end() - kSuffix.size(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::shared_ptr<rocksdb::FileSystem> NewPrewrittenWalFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, WalWrites writes) {
  return std::make_shared<PrewrittenWalFileSystem>(std::move(base), writes);
}

}  // namespace tl::ledger
