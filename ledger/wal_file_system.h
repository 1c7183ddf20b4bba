// A RocksDB file system that writes the write-ahead log's files ahead of the log.
//
// Why: every commit ends in an fdatasync of the WAL. When the log grows its file, that fdatasync
// must also write the inode (the new size) and the block allocation, a second round trip to
// the disk; when the log overwrites blocks that already exist, it writes only the data. On this
// project's virtual disk a 16 KB fdatasync takes 174-177 µs after an overwrite and 251-354 µs
// after an append or an fallocate (docs/benchmarks.md, Append). RocksDB's own remedy, recycling
// WAL files, is off whenever WAL recovery is point-in-time, as the ledger's must be.
//
// How: a WAL file (a name of digits ending in ".log") is written with zeros up to 4-8 MiB ahead
// of the log, and the log's records then overwrite them; the zeros are handed to the disk at
// once (sync_file_range) so that the next fsync of the log finds them written. Closing the file
// cuts it back to the log's length. After a crash the file ends in zeros: RocksDB's log format
// reserves record type 0 for preallocated space, and its reader skips them to the end of the
// file, so the log reads as if it ended where its records end (the crash tests in tests/ledger/
// reopen such files; `ldb dump_wal` reads them too). Every other file goes to `base` unchanged.
#pragma once

#include <rocksdb/file_system.h>

#include <memory>
#include <string>

namespace tl::ledger {

std::shared_ptr<rocksdb::FileSystem> NewPrewrittenWalFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base);

// Whether `path` names a WAL file ("000123.log"), the only files the file system above writes
// ahead.
bool IsWalFileName(const std::string& path);

}  // namespace tl::ledger
