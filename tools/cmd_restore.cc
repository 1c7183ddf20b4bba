// ticketledger restore --backup-dir B --data DIR [--backup-id N] [--json]
// Restores a backup (the latest unless --backup-id) into DIR, which must be absent or empty,
// with the signing key the backup directory holds, then verifies it exactly as `verify` does
// (every event, the chain, the Merkle tree, the latest signed checkpoint and its signature
// with the restored key). Success only after that; on any failure what was written into DIR
// is removed (docs/operations.md, "Backups").
// Exit 0 when restored and sound; 1 when the backup or the restored ledger does not verify;
// 2 when it cannot be done (DIR not empty, no such backup, I/O).
#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "app/ledger_backup.h"
#include "ledger/domain/types.h"
#include "tools/commands.h"

namespace tl::tools {

void RegisterRestore(CLI::App& app, int* exit_code) {
  struct Args {
    std::string backup_dir;
    std::string data;
    std::optional<uint32_t> backup_id;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("restore",
                                 "Restore a backup into a new data directory and "
                                 "verify it");
  cmd->add_option("--backup-dir", args->backup_dir, "The backup directory")->required();
  cmd->add_option("--data", args->data, "The data directory to restore into (absent or empty)")
      ->required();
  cmd->add_option("--backup-id", args->backup_id, "The backup to restore (default: the latest)");
  cmd->add_flag("--json", args->json, "Print the result as one JSON object");
  cmd->callback([args, exit_code] {
    auto restored = app::RestoreLedger(args->backup_dir, args->backup_id, args->data);
    if (!restored.ok()) {
      const bool damaged = restored.status().code() == StatusCode::kDataLoss;
      if (args->json) {
        boost::json::object o{{"ok", false},
                              {"code", restored.status().reason()},
                              {"message", restored.status().message()}};
        fmt::print("{}\n", boost::json::serialize(o));
      }
      fmt::print(stderr, "error: restore failed{}: {}\n",
                 damaged ? " (nothing of it was kept)" : "", restored.status().ToString());
      *exit_code = damaged ? 1 : 2;
      return;
    }
    const app::RestoreReport& r = *restored;
    if (args->json) {
      boost::json::object o{
          {"ok", true},
          {"backup_id", r.backup.backup_id},
          {"seq", r.backup.seq.value()},
          {"head", r.head.value()},
          {"events", r.verify.events.value()},
          {"checkpoint_size", r.verify.checkpoint_size.value()},
          {"signature_checked", r.key_restored && !r.verify.checkpoint_size.is_zero()},
          {"keys_expired", r.keys_expired},
          {"sealed_tickets", r.keys_expired ? r.tickets : 0}};
      fmt::print("{}\n", boost::json::serialize(o));
    } else {
      fmt::print(
          "restored backup {} into {}: {} events (the backup was taken at seq {}), head {}\n",
          r.backup.backup_id, args->data, r.verify.events, r.backup.seq,
          ledger::HashToHex(r.verify.head));
      if (r.verify.checkpoint_size.is_zero()) {
        fmt::print("verified: chain and tree; no signed checkpoint yet\n");
      } else {
        fmt::print("verified: chain, tree and the checkpoint signed at size {}{}\n",
                   r.verify.checkpoint_size,
                   r.key_restored ? ", its signature with the restored key"
                                  : " (no key in the backup: its signature not checked)");
      }
    }
    if (r.keys_expired) {
      // Said on stderr too, so that a --json run in a script still shows it to the operator.
      fmt::print(stderr,
                 "note: the key store copy of backup {} was expired: the personal fields of all "
                 "{} tickets of the restored ledger read sealed, for good (docs/privacy.md, "
                 "\"Backups and restores\")\n",
                 r.backup.backup_id, r.tickets);
    }
    *exit_code = 0;
  });
}

}  // namespace tl::tools
