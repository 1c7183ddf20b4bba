// ticketledger backup --data DIR --backup-dir B [--signing-key FILE] [--json]
// ticketledger backup expire-keys --backup-dir B (--older-than AGE | --id N)
// Backs up a stopped ledger: its event store (RocksDB's BackupEngine, incremental) and its
// signing key, into B (docs/operations.md, "Backups"). A running server holds the database's
// lock: then this refuses, and the server's POST /api/v1/admin/backups takes the backup.
// Exit 0 with the backup's id, seq, size and time; 2 when the ledger or B cannot be used.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <functional>
#include <optional>

#include "app/ledger_backup.h"
#include "ledger/domain/time_format.h"
#include "tools/commands.h"
#include "tools/key_files.h"
#include "tools/log_access.h"

namespace tl::tools {

namespace {

// RocksDB's words when another process holds the database ("While lock file: …/LOCK: Resource
// temporarily unavailable").
bool HeldByAnotherProcess(const Status& s) {
  return s.message().find("lock file") != std::string::npos;
}

// "30d", "12h", "90m", "45s" in nanoseconds; nullopt for anything else.
std::optional<ledger::TimeNs> ParseAge(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  const char unit = text.back();
  const int64_t seconds_per_unit = unit == 'd'   ? 86400
                                   : unit == 'h' ? 3600
                                   : unit == 'm' ? 60
                                   : unit == 's' ? 1
                                                 : 0;
  if (seconds_per_unit == 0) return std::nullopt;
  int64_t count = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || count > 1'000'000) return std::nullopt;
    count = count * 10 + (text[i] - '0');
  }
  return count * seconds_per_unit * 1'000'000'000;
}

// ticketledger backup expire-keys --backup-dir B (--older-than AGE | --id N)
// Deletes the key store copies of the backups older than AGE (by the time each was taken) or of
// backup N, keeping their event log backups (docs/privacy.md, "Backups and restores"). Exit 0
// (also when nothing was left to expire), 2 for a usage error, no backups, or I/O.
CLI::App* RegisterExpireKeys(CLI::App& backup, int* exit_code) {
  struct Args {
    std::string backup_dir;
    std::string older_than;
    std::optional<uint32_t> id;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = backup.add_subcommand(
      "expire-keys",
      "Delete the key store copies of old backups (their event log backups are kept)");
  cmd->add_option("--backup-dir", args->backup_dir, "The backup directory")->required();
  auto* older = cmd->add_option("--older-than", args->older_than,
                                "Expire the copies of backups taken longer ago than this: 30d, "
                                "12h, 90m or 45s");
  auto* by_id = cmd->add_option("--id", args->id, "Expire the copy of this backup");
  older->excludes(by_id);
  by_id->excludes(older);
  cmd->callback([args, exit_code] {
    *exit_code = 2;
    const ledger::TimeNs now = ledger::SystemClockNow();
    std::function<bool(const ledger::BackupInfo&)> expire;
    if (args->id) {
      expire = [id = *args->id](const ledger::BackupInfo& b) { return b.backup_id == id; };
    } else if (!args->older_than.empty()) {
      const std::optional<ledger::TimeNs> age = ParseAge(args->older_than);
      if (!age) {
        fmt::print(stderr, "error: --older-than {}: give a number and d, h, m or s (30d)\n",
                   args->older_than);
        return;
      }
      expire = [cutoff = now - *age](const ledger::BackupInfo& b) { return b.created_at < cutoff; };
    } else {
      fmt::print(stderr, "error: expire-keys needs --older-than or --id\n");
      return;
    }
    if (args->id) {
      auto backups = ledger::ListBackups(args->backup_dir);
      if (backups.ok() &&
          std::none_of(backups->begin(), backups->end(),
                       [&](const ledger::BackupInfo& b) { return b.backup_id == *args->id; })) {
        fmt::print(stderr, "error: no backup {} in {}\n", *args->id, args->backup_dir);
        return;
      }
    }
    auto expired = app::ExpireKeyStoreCopies(args->backup_dir, expire, now);
    if (!expired.ok()) {
      fmt::print(stderr, "error: {}\n", expired.status().ToString());
      return;
    }
    for (const ledger::BackupInfo& b : *expired) {
      fmt::print(
          "expired the key store copy of backup {} (taken {}): its personal fields now "
          "restore sealed\n",
          b.backup_id, ledger::FormatRfc3339(b.created_at));
    }
    if (expired->empty()) fmt::print("no key store copy to expire\n");
    *exit_code = 0;
  });
  return cmd;
}

}  // namespace

void RegisterBackup(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    std::string backup_dir;
    std::string signing_key;
    std::string master_key;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("backup", "Back up a stopped ledger (with its signing key)");
  // Required unless a subcommand runs instead (checked in the callback: CLI11 would demand them
  // of `backup expire-keys` too).
  cmd->add_option("--data", args->data, "The ledger's data directory (required)");
  cmd->add_option("--backup-dir", args->backup_dir,
                  "The backup directory (required; created if missing; backups accumulate "
                  "there)");
  cmd->require_subcommand(0, 1);
  CLI::App* expire = RegisterExpireKeys(*cmd, exit_code);
  cmd->add_option("--master-key", args->master_key,
                  "The master key file of the ledger's data keys (default: master.key in the "
                  "data directory)");
  cmd->add_option("--signing-key", args->signing_key,
                  "The ledger's signing key file (default: signing.key in the data directory)");
  cmd->add_flag("--json", args->json, "Print the backup as one JSON object");
  cmd->callback([args, exit_code, expire] {
    if (expire->parsed()) return;  // `backup expire-keys` ran
    *exit_code = 2;
    if (args->data.empty() || args->backup_dir.empty()) {
      fmt::print(stderr, "error: backup needs --data and --backup-dir\n");
      return;
    }
    if (!MayHoldLedger(args->data)) {
      fmt::print(stderr, "error: no ledger in {}\n", args->data);
      return;
    }
    ledger::LogOptions options;
    options.create_if_missing = false;
    // A sealed ledger opens for writing only with its data keys (docs/privacy.md).
    const Status keys = AddDataKeysIfAny(args->data, args->master_key, options);
    Result<std::unique_ptr<ledger::EventLog>> log =
        keys.ok() ? ledger::EventLog::Open(args->data, options)
                  : Result<std::unique_ptr<ledger::EventLog>>(keys);
    if (!log.ok()) {
      if (HeldByAnotherProcess(log.status())) {
        fmt::print(stderr,
                   "error: the ledger in {} is in use by another process (a running server?): "
                   "stop it first, or take the backup online with POST /api/v1/admin/backups "
                   "(docs/operations.md, \"Backups\")\n",
                   args->data);
      } else {
        fmt::print(stderr, "error: cannot open the ledger in {}: {}\n", args->data,
                   log.status().ToString());
      }
      return;
    }
    auto backup =
        app::BackupLedger(**log, args->backup_dir, SigningKeyPath(args->data, args->signing_key));
    if (!backup.ok()) {
      fmt::print(stderr, "error: {}\n", backup.status().ToString());
      return;
    }
    const std::string created_at = ledger::FormatRfc3339(backup->created_at);
    if (args->json) {
      boost::json::object o{{"backup_id", backup->backup_id},
                            {"seq", backup->seq.value()},
                            {"size_bytes", backup->size_bytes},
                            {"created_at", created_at}};
      fmt::print("{}\n", boost::json::serialize(o));
    } else {
      fmt::print("backup {} in {}: up to seq {}, {} bytes, at {}\n", backup->backup_id,
                 args->backup_dir, backup->seq, backup->size_bytes, created_at);
    }
    *exit_code = 0;
  });
}

}  // namespace tl::tools
