// A file system whose write-ahead log files never fail a write: a write's error is kept and
// reported by the file's next sync, and by every sync after it. Every other file, and every
// other operation, goes to `base` unchanged. Wraps whatever else the store puts under RocksDB
// (rocks_store.cc), on every writable store.
//
// Why: with the sync stage (LogOptions::Tuning::pipelined_sync) one thread writes batches to
// the WAL while another makes them durable (DB::SyncWAL). When a write to a WAL file fails,
// RocksDB's writer of that file (WritableFileWriter) remembers the error, and its next sync
// asserts that it never meets one ("Writer has previous error"). Debian's RocksDB keeps its
// asserts: the sync thread would abort the process. Reported at the sync, the same error takes
// the path RocksDB handles: a failed WAL sync sets its background error, writes are refused,
// and the log writer refuses the batch and stops.
//
// Nothing is promised by the delay: a write to the WAL is durable only once a sync says so,
// and no sync after the failed write succeeds, so nothing written after it is reported
// durable. Writes after the failure are dropped, so the file never holds a record after a gap,
// and when RocksDB closes the file it is cut back to what its last successful sync covered: a
// clean restart finds no batch that was refused (with the sync stage, batches written before
// the failure but not yet synced are refused too). A crash before the close leaves what the
// kernel had of them. (An unsynced write of RocksDB, the read models' checkpoints, may return
// OK and be lost; those promise nothing either.)
//
// A failed sync also fails every later one: after a failed fsync the kernel may have dropped
// the dirty pages and cleared their error, so a second fsync can succeed without the data
// (PostgreSQL's "fsyncgate", 2018). RocksDB retries WAL syncs when it resumes after an error
// (DBImpl::SyncClosedLogs); the ledger never resumes after a WAL error (log_writer.h), and this
// makes sure such a retry could not report a lost write durable either.
//
// RocksDB-facing; private to the store.
#pragma once

#include <rocksdb/file_system.h>

#include <memory>
#include <mutex>

namespace tl::ledger {

// The first error any WAL file of the file system met, a write's or a sync's: what broke the
// WAL. Once RocksDB's writer of a WAL file has failed, later writes fail with RocksDB's own
// "Writer has previous error", which says nothing of why (a full disk or a failing one); the
// store reports this error for them instead (rocks_store.cc). Thread-safe.
class WalFailure {
 public:
  // Keeps `s` if it is the first error.
  void Note(const rocksdb::IOStatus& s);
  // OK while no WAL file has failed.
  rocksdb::IOStatus First() const;

 private:
  mutable std::mutex mu_;
  rocksdb::IOStatus first_;  // guarded by mu_
};

// `failure` (may be null) learns of every WAL file's errors, before RocksDB does.
std::shared_ptr<rocksdb::FileSystem> NewWalErrorsAtSyncFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, std::shared_ptr<WalFailure> failure);

}  // namespace tl::ledger
