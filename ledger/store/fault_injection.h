// FaultInjector: storage faults on demand, for the tests of every failure path (SQLite's and
// RocksDB's way: inject real I/O errors under the real database, and check that each is a
// refusal and that nothing unsynced was acknowledged).
//
// Compiled into the store so that anything that opens a log can use it; nothing does unless a
// LogOptions::fault_injector is set. The store puts a file system under RocksDB that asks the
// injector before each write and each sync of a file (fault_file_system.h); the injector only
// keeps the switches and answers, so no RocksDB type appears here. The faults look to RocksDB as
// the operating system's would: EIO as an I/O error, ENOSPC as RocksDB's NoSpace.
//
// Where it sits (rocks_store.cc, outermost first): RocksDB -> the WAL's error deferral
// (wal_errors_at_sync.h) -> this injector's file system -> the direct-WAL file system
// (wal_file_system.h) -> the operating system. Above the direct-WAL file system because that
// one writes WAL files with its own system calls, which nothing below it would see; below the
// deferral so that an injected WAL write fault reaches RocksDB as a real one does.
//
// Thread-safety: every method may be called from any thread, also while the store runs.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>

namespace tl::ledger {

// The files a fault is aimed at, by what RocksDB keeps in them.
enum class FileKind : uint8_t {
  kWal,    // the write-ahead log ("000012.log")
  kTable,  // table files ("000034.sst"), written by flushes and compactions
  kOther,  // MANIFEST, CURRENT, OPTIONS, IDENTITY and temporary files
};
constexpr int kFileKindCount = 3;

// What the file system does instead of the operation.
enum class Fault : uint8_t {
  kNone,     // the operation runs
  kIoError,  // it fails as with EIO
  kNoSpace,  // it fails as with ENOSPC
};

class FaultInjector {
 public:
  // A count for the switches below: every operation from now on, until cleared.
  static constexpr int kAlways = -1;

  FaultInjector() = default;
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // The next `count` syncs (fsync, fdatasync) of files of `kind` fail with EIO.
  void FailSyncs(FileKind kind, int count = kAlways);
  // The next `count` writes to files of `kind` fail with EIO.
  void FailWrites(FileKind kind, int count = kAlways);
  // Every write to files of `kind` fails with ENOSPC until SpaceIsBack(): a full disk, as far as
  // those files can tell.
  void NoSpace(FileKind kind);
  // Writes to table files by RocksDB's compactions fail with ENOSPC until SpaceIsBack(), and
  // a flush's do not: a full disk met by a compaction, which a test cannot time otherwise.
  void NoSpaceInCompactions();
  // Writes find space again (the ENOSPC switches are off; the EIO ones stay).
  void SpaceIsBack();
  // Every switch off.
  void Clear();

  // How many operations failed because of this injector so far: a test checks that its fault
  // was really met.
  uint64_t injected() const;

  // For the store's file system: what to do instead of writing to, or syncing, a file of
  // `kind` (`by_compaction`: on one of RocksDB's compaction threads). Counts the fault as met
  // when it is not kNone.
  Fault BeforeWrite(FileKind kind, bool by_compaction);
  Fault BeforeSync(FileKind kind);

 private:
  // Takes one from a count (kAlways stays); whether the operation fails.
  static bool Take(int& count);

  mutable std::mutex mu_;
  std::array<int, kFileKindCount> failing_syncs_{};   // guarded by mu_
  std::array<int, kFileKindCount> failing_writes_{};  // guarded by mu_
  std::array<bool, kFileKindCount> no_space_{};       // guarded by mu_
  bool no_space_in_compactions_ = false;              // guarded by mu_
  uint64_t injected_ = 0;                             // guarded by mu_
};

}  // namespace tl::ledger
