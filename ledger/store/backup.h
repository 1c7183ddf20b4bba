// Backups of the event store with RocksDB's BackupEngine (docs/operations.md, "Backups").
//
// A backup directory holds any number of backups of one ledger's database, numbered from 1;
// the engine shares table files between them (each is copied once, named by its checksum), so
// a later backup copies only what is new. EventLog::Backup takes one of a live log while
// appends go on; the functions here list them and restore one. What the database does not
// hold, the ledger's signing key, is the application's to copy (app/ledger_backup.h).
//
// Thread-safety: the functions may run from any thread; two of them on one backup directory at
// once are not supported (the engine's files are not locked: the caller serialises).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/domain/types.h"

namespace tl::ledger {

struct BackupInfo {
  uint32_t backup_id = 0;
  // The head seq when the backup began: every append acknowledged before it is in the backup
  // (appends acknowledged while it ran may be too; the restored head may be higher).
  Seq seq{};
  uint64_t size_bytes = 0;  // the files the backup consists of (shared ones counted in full)
  TimeNs created_at = 0;    // when the engine recorded it, to the second
  bool operator==(const BackupInfo&) const = default;
};

// The backups in `backup_dir`, oldest first; none when the directory does not exist.
Result<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir);

// Restores backup `backup_id` (the latest when unset) into `data_dir`, which must not hold a
// database (the caller checks that it is empty). Every file is checked against the checksum
// the engine recorded when it copied it: a damaged backup is kDataLoss; a missing backup
// kNotFound; a full disk kResourceExhausted. What the restore wrote is left for the caller.
Result<BackupInfo> RestoreBackup(const std::string& backup_dir, std::optional<uint32_t> backup_id,
                                 const std::string& data_dir);

}  // namespace tl::ledger
