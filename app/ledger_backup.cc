#include "app/ledger_backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/data_keys.h"
#include "app/ledger_integrity.h"
#include "app/signing_key.h"
#include "ledger/domain/time_format.h"

namespace tl::app {
namespace fs = std::filesystem;
namespace {

Status FileError(std::string_view what, const std::string& path, int error) {
  std::string message = fmt::format("cannot {} {}: {}", what, path, std::strerror(error));
  if (error == ENOSPC || error == EDQUOT) return Status::ResourceExhausted(std::move(message));
  return Status::Unavailable(std::move(message));
}

Result<std::optional<std::string>> ReadIfPresent(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::optional<std::string>();
    return FileError("read", path, errno);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return FileError("read", path, errno);
  return std::optional<std::string>(text.str());
}

// Copies the key in `from` to `to` unless `to` holds the same key already.
Status CopyKey(const std::string& from, const std::string& to) {
  TL_ASSIGN_OR_RETURN(std::optional<std::string> key, ReadIfPresent(from));
  if (!key) return Status::NotFound(fmt::format("no signing key at {}", from));
  TL_ASSIGN_OR_RETURN(std::optional<std::string> existing, ReadIfPresent(to));
  if (existing) {
    if (*existing == *key) return Status::Ok();
    return Status::Rule("backup_key_mismatch",
                        fmt::format("{} holds another signing key than {}: it holds backups of "
                                    "another ledger (use another --backup-dir)",
                                    to, from));
  }
  return WriteKeyFile(to, *key);
}

// Removes what a failed restore wrote into `data_dir` (which was empty or absent before).
void Undo(const std::string& data_dir, bool made_dir) {
  std::error_code ignored;
  if (made_dir) {
    fs::remove_all(data_dir, ignored);
    return;
  }
  for (const auto& entry : fs::directory_iterator(data_dir, ignored)) {
    fs::remove_all(entry.path(), ignored);
  }
}

// The restored ledger checked as `ticketledger verify` checks it.
Result<RestoreReport> VerifyRestored(const std::string& data_dir,
                                     const ledger::BackupInfo& backup) {
  RestoreReport out;
  out.backup = backup;
  std::optional<tlog::NoteVerifier> key;
  const std::string key_file = (fs::path(data_dir) / kDefaultSigningKeyFile).string();
  std::error_code ec;
  if (fs::exists(key_file, ec)) {
    TL_ASSIGN_OR_RETURN(tlog::NoteSigner signer,
                        LoadOrCreateSigningKey(key_file, "", /*create=*/false));
    key = signer.verifier();
    out.key_restored = true;
  }
  ledger::LogOptions options;
  options.create_if_missing = false;
  // Verifying reads the stored bytes only: no data keys needed (docs/privacy.md, "Auditors").
  options.read_only = true;
  TL_ASSIGN_OR_RETURN(std::unique_ptr<ledger::EventLog> log,
                      ledger::EventLog::Open(data_dir, options));
  out.verify = VerifyLedger(*log, key ? &*key : nullptr, {});
  out.head = log->Head().seq;
  out.tickets = log->Head().last_ticket.value();
  if (!out.verify.ok) {
    return Status::DataLoss(fmt::format("the restored ledger does not verify: at seq {}: {}",
                                        out.verify.bad_seq, out.verify.reason));
  }
  if (out.head < backup.seq) {
    return Status::DataLoss(
        fmt::format("the restored ledger ends at seq {}, before the seq {} the backup was taken at",
                    out.head, backup.seq));
  }
  return out;
}

// Where backup `id`'s copy of the key store lives in the backup directory.
fs::path KeyStoreCopy(const std::string& backup_dir, uint32_t id) {
  return fs::path(backup_dir) / kBackupKeysDir / std::to_string(id);
}

// The marker ExpireKeyStoreCopies leaves for backup `id`.
fs::path ExpiredMarker(const std::string& backup_dir, uint32_t id) {
  return fs::path(backup_dir) / kBackupKeysDir / (std::to_string(id) + ".expired");
}

// fsync of a directory, so that the entries removed from it stay removed after a power loss.
Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError("open", dir.string(), errno);
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) return FileError("sync", dir.string(), error);
  return Status::Ok();
}

}  // namespace

Result<ledger::BackupInfo> BackupLedger(ledger::EventLog& log, const std::string& backup_dir,
                                        const std::string& key_file) {
  std::error_code ec;
  fs::create_directories(backup_dir, ec);
  if (ec) return FileError("create", backup_dir, ec.value());
  if (fs::exists(key_file, ec)) {
    TL_RETURN_IF_ERROR(CopyKey(key_file, (fs::path(backup_dir) / kBackupKeyFile).string()));
  } else {
    // A ledger that was never served (imported, generated) has no key yet, and nothing signed
    // that a restore would need it for. One that has signed checkpoints needs it.
    TL_ASSIGN_OR_RETURN(std::optional<ledger::SignedCheckpoint> signed_checkpoint,
                        log.LatestSignedCheckpoint());
    if (signed_checkpoint) {
      return Status::NotFound(fmt::format(
          "no signing key at {}, but the ledger has signed checkpoints: name the key the "
          "server signs with (--signing-key)",
          key_file));
    }
  }
  TL_ASSIGN_OR_RETURN(ledger::BackupInfo info, log.Backup(backup_dir));
  if (privacy::KeyStore* keys = log.keys()) {
    // After the log's backup: every ticket in it had its key made before its first event was
    // written, so the copy holds them all (docs/privacy.md, "Backups").
    const fs::path copy = KeyStoreCopy(backup_dir, info.backup_id);
    fs::remove_all(copy, ec);  // a copy left by a backup that failed after it
    fs::create_directories(copy.parent_path(), ec);
    if (ec) return FileError("create", copy.parent_path().string(), ec.value());
    TL_RETURN_IF_ERROR(keys->CopyTo(copy.string()).WithContext("backing up the data keys"));
  }
  return info;
}

LedgerBackups::LedgerBackups(ledger::EventLog& log, std::string backup_dir, std::string key_file)
    : log_(log), backup_dir_(std::move(backup_dir)), key_file_(std::move(key_file)) {}

Result<ledger::BackupInfo> LedgerBackups::Create() {
  std::lock_guard lock(mu_);
  return BackupLedger(log_, backup_dir_, key_file_);
}

Result<std::vector<ledger::BackupInfo>> LedgerBackups::List() const {
  std::lock_guard lock(mu_);
  return ledger::ListBackups(backup_dir_);
}

Result<RestoreReport> RestoreLedger(const std::string& backup_dir,
                                    std::optional<uint32_t> backup_id,
                                    const std::string& data_dir) {
  std::error_code ec;
  const bool existed = fs::exists(data_dir, ec);
  if (existed && (!fs::is_directory(data_dir, ec) || !fs::is_empty(data_dir, ec) || ec)) {
    return Status::Rule("restore_target_not_empty",
                        fmt::format("{} is not an empty directory: a restore writes only into "
                                    "an empty or absent one",
                                    data_dir));
  }
  fs::create_directories(data_dir, ec);
  if (ec) return FileError("create", data_dir, ec.value());
  auto restored = [&]() -> Result<RestoreReport> {
    TL_ASSIGN_OR_RETURN(ledger::BackupInfo backup,
                        ledger::RestoreBackup(backup_dir, backup_id, data_dir));
    const std::string key = (fs::path(backup_dir) / kBackupKeyFile).string();
    if (fs::exists(key, ec)) {
      TL_RETURN_IF_ERROR(CopyKey(key, (fs::path(data_dir) / kDefaultSigningKeyFile).string()));
    }
    // The data keys as they were when the backup was taken: a key destroyed before then is not
    // in the copy, so a restore brings no erased data back. The master key is not in a backup.
    const fs::path keys = KeyStoreCopy(backup_dir, backup.backup_id);
    if (fs::exists(keys, ec)) {
      fs::copy(keys, fs::path(data_dir) / kKeyStoreDir, fs::copy_options::recursive, ec);
      if (ec) return FileError("copy", keys.string(), ec.value());
    }
    TL_ASSIGN_OR_RETURN(RestoreReport report, VerifyRestored(data_dir, backup));
    report.keys_expired = fs::exists(ExpiredMarker(backup_dir, backup.backup_id), ec);
    return report;
  }();
  if (!restored.ok()) Undo(data_dir, !existed);
  return restored;
}

Result<std::vector<ledger::BackupInfo>> ExpireKeyStoreCopies(
    const std::string& backup_dir, const std::function<bool(const ledger::BackupInfo&)>& expire,
    ledger::TimeNs now) {
  TL_ASSIGN_OR_RETURN(std::vector<ledger::BackupInfo> backups, ledger::ListBackups(backup_dir));
  if (backups.empty()) return Status::NotFound(fmt::format("no backups in {}", backup_dir));
  std::vector<ledger::BackupInfo> expired;
  std::error_code ec;
  for (const ledger::BackupInfo& backup : backups) {
    if (!expire(backup)) continue;
    const fs::path copy = KeyStoreCopy(backup_dir, backup.backup_id);
    if (!fs::exists(copy, ec)) continue;
    // The marker first: a crash midway leaves a marked backup with a partial copy, which the
    // next run deletes, never an unmarked one that would restore with half a key store.
    const fs::path marker = ExpiredMarker(backup_dir, backup.backup_id);
    if (!fs::exists(marker, ec)) {
      TL_RETURN_IF_ERROR(WriteKeyFile(marker.string(), ledger::FormatRfc3339(now) + "\n"));
    }
    fs::remove_all(copy, ec);
    if (ec) return FileError("delete", copy.string(), ec.value());
    expired.push_back(backup);
  }
  if (!expired.empty()) TL_RETURN_IF_ERROR(SyncDirectory(fs::path(backup_dir) / kBackupKeysDir));
  return expired;
}

}  // namespace tl::app
