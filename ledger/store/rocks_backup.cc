#include "ledger/store/rocks_backup.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>
#include <string_view>

namespace tl::ledger {
namespace {

// The engine's user metadata of a backup: the head seq it holds, in words an operator reading
// the engine's meta files can follow.
constexpr std::string_view kSeqPrefix = "ticketledger head seq ";

std::string SeqMetadata(Seq seq) { return fmt::format("{}{}", kSeqPrefix, seq); }

Result<Seq> SeqOf(const rocksdb::BackupInfo& info) {
  std::string_view text = info.app_metadata;
  uint64_t seq = 0;
  if (text.substr(0, kSeqPrefix.size()) == kSeqPrefix) {
    text.remove_prefix(kSeqPrefix.size());
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seq);
    if (ec == std::errc() && end == text.data() + text.size()) return Seq(seq);
  }
  return Status::DataLoss(
      fmt::format("backup {} was not made by ticketledger: its metadata does not name a head seq",
                  info.backup_id));
}

Result<BackupInfo> FromEngine(const rocksdb::BackupInfo& info) {
  TL_ASSIGN_OR_RETURN(Seq seq, SeqOf(info));
  return BackupInfo{info.backup_id, seq, info.size, info.timestamp * kNanosPerSecond};
}

// The engine writes its own files with the operating system's file system, never through the
// ledger's (whose write-ahead log handling would take the engine's copies of WAL files, named
// like the originals, for logs of its own: wal_file_system.h).
rocksdb::BackupEngineOptions EngineOptions(const std::string& backup_dir) {
  rocksdb::BackupEngineOptions options(backup_dir);
  options.backup_env = rocksdb::Env::Default();
  // Table files are copied once and shared by every backup that holds them, named by their
  // checksum, which a restore checks (the defaults, said out loud).
  options.share_table_files = true;
  options.share_files_with_checksum = true;
  options.sync = true;
  return options;
}

Status Refusal(const rocksdb::Status& s, std::string_view what) {
  if (s.IsNotFound()) return Status::NotFound(fmt::format("{}: {}", what, s.ToString()));
  return FromRocks(s, what);
}

// The backups in `backup_dir`, opened for reading (listing, restoring).
Result<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenReadOnly(const std::string& backup_dir) {
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  TL_RETURN_IF_ERROR(Refusal(
      rocksdb::BackupEngineReadOnly::Open(EngineOptions(backup_dir), rocksdb::Env::Default(), &raw),
      fmt::format("opening the backups in {}", backup_dir)));
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

}  // namespace

Result<BackupInfo> CreateBackup(RocksStore& store, const std::string& backup_dir, Seq seq) {
  rocksdb::DB& db = store.db();
  rocksdb::BackupEngine* raw = nullptr;
  TL_RETURN_IF_ERROR(
      Refusal(rocksdb::BackupEngine::Open(EngineOptions(backup_dir), db.GetEnv(), &raw),
              fmt::format("opening the backups in {}", backup_dir)));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  // flush_before_backup: the memtables go to table files first, so the backup is table files
  // (shared with later backups) plus only the WAL written during the backup; otherwise each
  // backup copies every unflushed WAL file anew, up to max_total_wal_size (256 MiB), and a
  // restore replays it. Appends go on during the flush (RocksDB switches the memtable), and
  // the WAL files the engine copies keep the families consistent with one another.
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  rocksdb::IOStatus s = engine->CreateNewBackupWithMetadata(create, &db, SeqMetadata(seq), &id);
  if (!s.ok()) {
    // The engine removes a half-made backup's private files at its next open; do it now.
    engine->GarbageCollect().PermitUncheckedError();
    return Refusal(s, fmt::format("backing up into {}", backup_dir));
  }
  rocksdb::BackupInfo info;
  TL_RETURN_IF_ERROR(Refusal(engine->GetBackupInfo(id, &info),
                             fmt::format("reading back backup {} in {}", id, backup_dir)));
  return FromEngine(info);
}

Result<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) {
  std::vector<BackupInfo> out;
  std::error_code ec;
  if (!std::filesystem::exists(backup_dir, ec)) return out;
  TL_ASSIGN_OR_RETURN(auto engine, OpenReadOnly(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::sort(infos.begin(), infos.end(),
            [](const auto& a, const auto& b) { return a.backup_id < b.backup_id; });
  for (const rocksdb::BackupInfo& info : infos) {
    TL_ASSIGN_OR_RETURN(BackupInfo backup, FromEngine(info));
    out.push_back(backup);
  }
  return out;
}

Result<BackupInfo> RestoreBackup(const std::string& backup_dir, std::optional<uint32_t> backup_id,
                                 const std::string& data_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(backup_dir, ec)) {
    return Status::NotFound(fmt::format("no backup directory at {}", backup_dir));
  }
  TL_ASSIGN_OR_RETURN(auto engine, OpenReadOnly(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  const rocksdb::BackupInfo* chosen = nullptr;
  for (const rocksdb::BackupInfo& info : infos) {
    if (backup_id ? info.backup_id == *backup_id
                  : (!chosen || info.backup_id > chosen->backup_id)) {
      chosen = &info;
    }
  }
  if (!chosen) {
    return Status::NotFound(backup_id ? fmt::format("no backup {} in {}", *backup_id, backup_dir)
                                      : fmt::format("no backup in {}", backup_dir));
  }
  TL_ASSIGN_OR_RETURN(BackupInfo backup, FromEngine(*chosen));
  // The engine checks each file's checksum as it copies it: a damaged backup is Corruption.
  TL_RETURN_IF_ERROR(Refusal(
      engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), chosen->backup_id, data_dir, data_dir),
      fmt::format("restoring backup {} from {} into {}", chosen->backup_id, backup_dir, data_dir)));
  return backup;
}

}  // namespace tl::ledger
