#include "ledger/wal_file_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace tl::ledger {
namespace {

// The zeros run 4-8 MiB ahead of the log: one extension every 4 MiB of log (about 7 000
// appends of the benchmark), each written once.
constexpr uint64_t kAheadStep = 4u << 20;
constexpr size_t kZeroChunk = 1u << 20;

rocksdb::IOStatus ErrnoStatus(const std::string& what, const std::string& path) {
  const int error = errno;  // before anything below can change it
  return rocksdb::IOStatus::IOError(what + " " + path, std::strerror(error));
}

class PrewrittenWalFile : public rocksdb::FSWritableFile {
 public:
  PrewrittenWalFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PrewrittenWalFile() override { CloseFile().PermitUncheckedError(); }
  PrewrittenWalFile(const PrewrittenWalFile&) = delete;
  PrewrittenWalFile& operator=(const PrewrittenWalFile&) = delete;

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions&,
                           rocksdb::IODebugContext*) override {
    if (log_size_ + data.size() > file_size_) {
      if (rocksdb::IOStatus s = WriteZerosAhead(log_size_ + data.size()); !s.ok()) return s;
    }
    if (rocksdb::IOStatus s = WriteAt(data.data(), data.size(), log_size_); !s.ok()) return s;
    log_size_ += data.size();
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo&,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions&,
                             rocksdb::IODebugContext*) override {
    if (ftruncate(fd_, static_cast<off_t>(size)) != 0) return ErrnoStatus("truncating", path_);
    log_size_ = file_size_ = size;
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Close(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return CloseFile();
  }
  // Appends go to the kernel at once; RocksDB's WritableFileWriter does the buffering.
  rocksdb::IOStatus Flush(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    if (fdatasync(fd_) != 0) return ErrnoStatus("syncing", path_);
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    if (fsync(fd_) != 0) return ErrnoStatus("syncing", path_);
    return rocksdb::IOStatus::OK();
  }
  // Sync touches no member, and pwrite and fdatasync may run at once: the log's sync thread
  // fsyncs while its writer appends the next batch (SyncWAL relies on this).
  bool IsSyncThreadSafe() const override { return true; }
  uint64_t GetFileSize(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return log_size_;
  }

 private:
  rocksdb::IOStatus WriteAt(const char* data, size_t n, uint64_t offset) {
    while (n > 0) {
      const ssize_t done = pwrite(fd_, data, n, static_cast<off_t>(offset));
      if (done < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("writing", path_);
      }
      data += done;
      n -= static_cast<size_t>(done);
      offset += static_cast<uint64_t>(done);
    }
    return rocksdb::IOStatus::OK();
  }

  rocksdb::IOStatus WriteZerosAhead(uint64_t needed) {
    static const std::string zeros(kZeroChunk, '\0');
    const uint64_t from = file_size_;
    const uint64_t to = (needed / kAheadStep + 2) * kAheadStep;
    while (file_size_ < to) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kZeroChunk, to - file_size_));
      if (rocksdb::IOStatus s = WriteAt(zeros.data(), n, file_size_); !s.ok()) return s;
      file_size_ += n;
    }
    // Best effort: the next fdatasync writes whatever is still dirty.
    sync_file_range(fd_, static_cast<off_t>(from), static_cast<off_t>(to - from),
                    SYNC_FILE_RANGE_WRITE);
    return rocksdb::IOStatus::OK();
  }

  rocksdb::IOStatus CloseFile() {
    if (fd_ < 0) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus s;
    if (ftruncate(fd_, static_cast<off_t>(log_size_)) != 0) s = ErrnoStatus("truncating", path_);
    if (close(fd_) != 0 && s.ok()) s = ErrnoStatus("closing", path_);
    fd_ = -1;
    return s;
  }

  const std::string path_;
  int fd_;
  uint64_t log_size_ = 0;   // the log's bytes, at the start of the file
  uint64_t file_size_ = 0;  // the log's bytes and the zeros after them
};

class PrewrittenWalFileSystem : public rocksdb::FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;
  const char* Name() const override { return "PrewrittenWalFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    if (!IsWalFileName(path) || options.use_direct_writes || options.use_mmap_writes) {
      return FileSystemWrapper::NewWritableFile(path, options, result, dbg);
    }
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("creating", path);
    *result = std::make_unique<PrewrittenWalFile>(path, fd);
    return rocksdb::IOStatus::OK();
  }
  // ReopenWritableFile stays the base's: RocksDB reopens a WAL only to truncate it to what
  // recovery read (avoid_flush_during_recovery, which the ledger leaves off), never to append.
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
    std::shared_ptr<rocksdb::FileSystem> base) {
  return std::make_shared<PrewrittenWalFileSystem>(std::move(base));
}

}  // namespace tl::ledger
