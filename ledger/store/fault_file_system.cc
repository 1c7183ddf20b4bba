#include "ledger/store/fault_file_system.h"

#include <pthread.h>

#include <algorithm>
#include <string_view>

#include "ledger/store/wal_file_system.h"

namespace tl::ledger {
namespace {

// Whether the calling thread is one of RocksDB's low-priority background threads, which run
// its compactions; flushes run on the high-priority ones (the store's max_background_jobs = 2
// gives each pool a thread). RocksDB names them (util/threadpool_imp.cc).
bool OnCompactionThread() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return std::string_view(name) == "rocksdb:low";
}

rocksdb::IOStatus Injected(Fault fault, std::string_view op, const std::string& path) {
  if (fault == Fault::kNoSpace) {
    rocksdb::IOStatus s = rocksdb::IOStatus::NoSpace(
        std::string("injected fault: ") + std::string(op) + " " + path, "No space left on device");
    s.SetRetryable(true);  // as RocksDB's POSIX file system marks ENOSPC
    return s;
  }
  return rocksdb::IOStatus::IOError(std::string("injected fault: ") + std::string(op) + " " + path,
                                    "Input/output error");
}

class FaultInjectingFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultInjectingFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string path,
                     std::shared_ptr<FaultInjector> injector)
      : FSWritableFileOwnerWrapper(std::move(file)),
        path_(std::move(path)),
        kind_(KindOfFile(path_)),
        injector_(std::move(injector)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (Fault f = WriteFault(); f != Fault::kNone) return Injected(f, "writing", path_);
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (Fault f = WriteFault(); f != Fault::kNone) return Injected(f, "writing", path_);
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    if (Fault f = WriteFault(); f != Fault::kNone) return Injected(f, "writing", path_);
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    if (Fault f = WriteFault(); f != Fault::kNone) return Injected(f, "writing", path_);
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (Fault f = injector_->BeforeSync(kind_); f != Fault::kNone) {
      return Injected(f, "syncing", path_);
    }
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (Fault f = injector_->BeforeSync(kind_); f != Fault::kNone) {
      return Injected(f, "syncing", path_);
    }
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }

 private:
  Fault WriteFault() {
    return injector_->BeforeWrite(kind_, kind_ == FileKind::kTable && OnCompactionThread());
  }

  const std::string path_;
  const FileKind kind_;
  const std::shared_ptr<FaultInjector> injector_;
};

class FaultInjectingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultInjectingFileSystem(std::shared_ptr<rocksdb::FileSystem> base,
                           std::shared_ptr<FaultInjector> injector)
      : FileSystemWrapper(std::move(base)), injector_(std::move(injector)) {}
  const char* Name() const override { return "FaultInjectingFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FileSystemWrapper::NewWritableFile(path, options, result, dbg);
    if (s.ok()) *result = std::make_unique<FaultInjectingFile>(std::move(*result), path, injector_);
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FileSystemWrapper::ReopenWritableFile(path, options, result, dbg);
    if (s.ok()) *result = std::make_unique<FaultInjectingFile>(std::move(*result), path, injector_);
    return s;
  }

 private:
  const std::shared_ptr<FaultInjector> injector_;
};

}  // namespace

FileKind KindOfFile(const std::string& path) {
  if (IsWalFileName(path)) return FileKind::kWal;
  const size_t slash = path.find_last_of('/');
  const std::string_view name = slash == std::string::npos
                                    ? std::string_view(path)
                                    : std::string_view(path).substr(slash + 1);
  constexpr std::string_view kSuffix = ".sst";
  if (name.size() > kSuffix.size() && name.ends_with(kSuffix) &&
      std::all_of(name.begin(), name.end() - kSuffix.size(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    return FileKind::kTable;
  }
  return FileKind::kOther;
}

std::shared_ptr<rocksdb::FileSystem> NewFaultInjectingFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, std::shared_ptr<FaultInjector> injector) {
  return std::make_shared<FaultInjectingFileSystem>(std::move(base), std::move(injector));
}

}  // namespace tl::ledger
