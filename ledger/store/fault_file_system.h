// The file system behind FaultInjector (fault_injection.h): every file it creates asks the
// injector before each write and each sync, and fails the operation as told, the way the
// operating system would (EIO: an I/O error; ENOSPC: RocksDB's retryable NoSpace, as RocksDB's
// own POSIX file system reports it). Everything else goes to `base` unchanged.
//
// RocksDB-facing; private to the store.
#pragma once

#include <rocksdb/file_system.h>

#include <memory>
#include <string>

#include "ledger/store/fault_injection.h"

namespace tl::ledger {

std::shared_ptr<rocksdb::FileSystem> NewFaultInjectingFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, std::shared_ptr<FaultInjector> injector);

// What RocksDB keeps in the file at `path`, by its name.
FileKind KindOfFile(const std::string& path);

}  // namespace tl::ledger
