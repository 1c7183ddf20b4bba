// ticketledger backup --data DIR --backup-dir B [--signing-key FILE] [--json]
// Backs up a stopped ledger: its event store (RocksDB's BackupEngine, incremental) and its
// signing key, into B (docs/operations.md, "Backups"). A running server holds the database's
// lock: then this refuses, and the server's POST /api/v1/admin/backups takes the backup.
// Exit 0 with the backup's id, seq, size and time; 2 when the ledger or B cannot be used.
#include <fmt/format.h>

#include <boost/json/serialize.hpp>

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
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  cmd->add_option("--backup-dir", args->backup_dir,
                  "The backup directory (created if missing; backups accumulate there)")
      ->required();
  cmd->add_option("--master-key", args->master_key,
                  "The master key file of the ledger's data keys (default: master.key in the "
                  "data directory)");
  cmd->add_option("--signing-key", args->signing_key,
                  "The ledger's signing key file (default: signing.key in the data directory)");
  cmd->add_flag("--json", args->json, "Print the backup as one JSON object");
  cmd->callback([args, exit_code] {
    *exit_code = 2;
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
