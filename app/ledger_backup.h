// Backups of a whole ledger, and their restore with the same checks as `ticketledger verify`
// (docs/operations.md, "Backups").
//
// A backup directory holds the event store's backups (ledger/store/backup.h: RocksDB's
// BackupEngine, incremental) and, beside the engine's files, a copy of the ledger's signing key
// (`signing.key`, mode 0600): the signed checkpoints in a restored ledger must keep verifying
// with the key that signed them, and the restored server must sign on with it. The key is the
// same for every backup of one ledger, so one copy serves them all; a directory holding
// another ledger's key is refused. Each backup of a ledger that seals personal data also has a
// copy of its key store (keys/<backup id>/), taken right after the log's: the data keys wrapped
// under the master key, which is never in a backup. The projections' checkpoints travel inside the
// database, and a restored server rebuilds any that do not match from the log.
//
// Thread-safety: LedgerBackups may be used from any thread (it takes one backup at a time);
// the free functions must not run concurrently on one backup directory.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/store/backup.h"
#include "ledger/store/event_log.h"

namespace tl::app {

// The signing key's copy in a backup directory.
inline constexpr const char* kBackupKeyFile = "signing.key";
// The key store's copies, one per backup: keys/<backup id>/ (docs/privacy.md, "Backups").
inline constexpr const char* kBackupKeysDir = "keys";

// Backs up `log` (live or not) and the key in `key_file` into `backup_dir`: the key first, so
// that no backup exists without it. A ledger without a key file (never served) is backed up
// without one unless it has signed checkpoints (then kNotFound). Refusals as EventLog::Backup's;
// kFailedPrecondition (reason "backup_key_mismatch") when the directory holds another key.
Result<ledger::BackupInfo> BackupLedger(ledger::EventLog& log, const std::string& backup_dir,
                                        const std::string& key_file);

// The server's backups: one directory, one backup at a time.
class LedgerBackups {
 public:
  LedgerBackups(ledger::EventLog& log, std::string backup_dir, std::string key_file);
  LedgerBackups(const LedgerBackups&) = delete;
  LedgerBackups& operator=(const LedgerBackups&) = delete;

  Result<ledger::BackupInfo> Create();
  Result<std::vector<ledger::BackupInfo>> List() const;
  const std::string& backup_dir() const { return backup_dir_; }

 private:
  ledger::EventLog& log_;
  const std::string backup_dir_;
  const std::string key_file_;
  mutable std::mutex mu_;  // one engine at a time on the directory
};

struct RestoreReport {
  ledger::BackupInfo backup;
  ledger::VerifyReport verify;  // ok
  bool key_restored = false;    // the backup held the key; the checkpoint's signature checked
  ledger::Seq head{};           // the restored log's head (>= backup.seq)
  // The backup's key store copy was expired (ExpireKeyStoreCopies): the restored ledger has no
  // data keys, and the personal fields of all its `tickets` read sealed, for good.
  bool keys_expired = false;
  uint64_t tickets = 0;  // how many tickets the restored ledger holds
};

// Key store copy expiry (docs/privacy.md, "Backups and restores"): an operator keeps key store
// copies no longer than N days, since a copy older than an erasure holds the erased key. Deletes
// the key store copy (keys/<id>/) of each backup in `backup_dir` that `expire` selects, fsyncs
// the directory, and leaves a marker (keys/<id>.expired, the time of expiry) so that a restore
// of that backup says that its personal fields read sealed. The event log's backups are kept.
// Returns the backups whose copies were deleted now, oldest first; a backup whose copy is gone
// already is skipped, so running it again is harmless. kNotFound when `backup_dir` holds no
// backups.
Result<std::vector<ledger::BackupInfo>> ExpireKeyStoreCopies(
    const std::string& backup_dir, const std::function<bool(const ledger::BackupInfo&)>& expire,
    ledger::TimeNs now);

// Restores backup `backup_id` (the latest when unset) into `data_dir`, which must be absent or
// empty (else kFailedPrecondition, reason "restore_target_not_empty"), with the key beside it,
// then verifies the restored ledger as `verify` does (VerifyLedger: every event, the chain,
// the tree and the latest signed checkpoint with the restored key) and that it holds the
// backup's seq. Only then is it a success. On any failure, everything written into `data_dir`
// is removed again (the directory too, if this made it): kDataLoss when the backup or the
// restored ledger does not verify, with the first problem in the message.
Result<RestoreReport> RestoreLedger(const std::string& backup_dir,
                                    std::optional<uint32_t> backup_id, const std::string& data_dir);

}  // namespace tl::app
