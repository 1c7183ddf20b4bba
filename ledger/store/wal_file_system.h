// A RocksDB file system that writes the write-ahead log's files ahead of the log, and writes
// the log itself only when it is synced, with direct I/O.
//
// Why write ahead: every commit ends in an fdatasync of the WAL. When the log grows its file,
// that fdatasync must also write the inode (the new size) and the block allocation, a second
// round trip to the disk; when the log overwrites blocks that already exist, it writes only the
// data. On this project's virtual disk a 16 KB fdatasync takes 174-177 µs after an overwrite
// and 251-354 µs after an append or an fallocate (docs/benchmarks.md, Append). RocksDB's own
// remedy, recycling WAL files, is off whenever WAL recovery is point-in-time, as the ledger's
// must be.
//
// How: a WAL file (a name of digits ending in ".log") is written with zeros up to 4-8 MiB ahead
// of the log, and the log's records then overwrite them; the zeros are handed to the disk at
// once (sync_file_range) so that the next fsync of the log finds them written. Closing the file
// cuts it back to the log's length. After a crash the file ends in zeros: RocksDB's log format
// reserves record type 0 for preallocated space, and its reader skips them to the end of the
// file, so the log reads as if it ended where its records end (the crash tests in tests/ledger/
// reopen such files; `ldb dump_wal` reads them too). Every other file goes to `base` unchanged.
//
// Why direct writes (WalWrites::kDirect): RocksDB hands the file every commit's records at
// once, and with ordinary writes each was a write(2) into the page cache on the log's writer
// thread, which the next fdatasync then had to find and write back. Here appends are copied
// into memory, and Sync writes everything since the last Sync with one O_DIRECT write (from the
// block the previous one ended in, which it rewrites), then fdatasyncs: the writer thread makes
// no system call for the log, and the fsync is shorter (measured: docs/benchmarks.md, Append).
// What has not been synced is then not in the file at all, so a killed process loses it as a
// power cut would; RocksDB never counts on more (it syncs a WAL before a flush relies on it,
// and the ledger acknowledges an append only after its sync). A file system without O_DIRECT
// (tmpfs) gets ordinary writes, and so does a log opened without syncs (`generate`), whose WAL
// would otherwise wait in memory; past 64 MiB unsynced, a direct-mode file writes it out on
// the appending thread.
#pragma once

#include <rocksdb/file_system.h>

#include <memory>
#include <string>

namespace tl::ledger {

enum class WalWrites {
  kDirect,  // in memory until synced, then O_DIRECT (ordinary writes where unavailable)
  kCached,  // each append written at once through the page cache
};

std::shared_ptr<rocksdb::FileSystem> NewPrewrittenWalFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, WalWrites writes = WalWrites::kDirect);

// Whether `path` names a WAL file ("000123.log"), the only files the file system above writes
// ahead.
bool IsWalFileName(const std::string& path);

}  // namespace tl::ledger
