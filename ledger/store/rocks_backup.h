// The backup of a live store with RocksDB's BackupEngine (backup.h; rocks_backup.cc, the
// store's adapter of the engine).
#pragma once

#include <string>

#include "ledger/domain/result.h"
#include "ledger/store/backup.h"
#include "ledger/store/rocks_store.h"

namespace tl::ledger {

// Backs up `store`'s database into `backup_dir` (created if missing), recording `seq` as the
// seq it holds (the caller read it before calling).
Result<BackupInfo> CreateBackup(RocksStore& store, const std::string& backup_dir, Seq seq);

}  // namespace tl::ledger
