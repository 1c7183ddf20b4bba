// ticketledger verify --data DIR [--vkey KEY] [--json]
// Walks the whole log (contiguity, decoding, stream versions, indexes, hash chain, head),
// rebuilds the Merkle tree from the events and compares it with the stored one and with the
// root the latest signed checkpoint commits to, and checks that checkpoint's signature with
// the ledger's key (--vkey, or the signing key in the data directory).
// Exit 0 when sound; 1 naming the first bad seq and why; 2 when the log cannot be opened.
#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "app/ledger_integrity.h"
#include "app/signing_key.h"
#include "ledger/domain/types.h"
#include "tools/commands.h"
#include "tools/key_files.h"
#include "tools/log_access.h"
#include "tools/progress.h"

namespace tl::tools {

void RegisterVerify(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    std::string vkey;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("verify", "Check the whole log and its hash chain");
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  cmd->add_option("--vkey", args->vkey,
                  "The ledger's verifier key, or a file holding it (default: the signing key "
                  "in the data directory)");
  cmd->add_flag("--json", args->json, "Print the result as one JSON object");
  cmd->callback([args, exit_code] {
    auto log = OpenLogForReading(args->data);
    if (!log) {
      *exit_code = 2;
      return;
    }
    std::optional<tlog::NoteVerifier> key;
    if (!args->vkey.empty()) {
      auto loaded = LoadVerifierKey(args->vkey);
      if (!loaded.ok()) {
        fmt::print(stderr, "error: {}\n", loaded.status().message());
        *exit_code = 2;
        return;
      }
      key = std::move(*loaded);
    } else if (auto signer = app::LoadOrCreateSigningKey(SigningKeyPath(args->data, ""), "",
                                                         /*create=*/false);
               signer.ok()) {
      key = signer->verifier();
    }
    Progress progress("verify", "events", log->Head().seq.value());
    ledger::VerifyReport report =
        app::VerifyLedger(*log, key ? &*key : nullptr, [&](ledger::Seq done, ledger::Seq total) {
          progress.SetTotal(total.value());
          progress.Update(done.value());
        });
    progress.Finish(report.events.value());
    if (args->json) {
      boost::json::object o;
      o["ok"] = report.ok;
      o["events"] = report.events.value();
      o["head"] = ledger::HashToHex(report.head);
      o["checkpoint_size"] = report.checkpoint_size.value();
      o["signature_checked"] = key.has_value() && !report.checkpoint_size.is_zero();
      if (!report.ok) {
        o["seq"] = report.bad_seq.value();
        o["reason"] = report.reason;
      }
      fmt::print("{}\n", boost::json::serialize(o));
    } else if (report.ok) {
      fmt::print("ok: {} events, head {}\n", report.events, ledger::HashToHex(report.head));
      if (report.checkpoint_size.is_zero()) {
        fmt::print("no signed checkpoint yet\n");
      } else {
        fmt::print("the Merkle tree matches the checkpoint signed at size {}{}\n",
                   report.checkpoint_size,
                   key ? fmt::format(", whose signature verifies with {}", key->VerifierKey())
                       : " (its signature not checked: no key; pass --vkey)");
      }
    } else {
      fmt::print("FAILED at seq {}: {}\n", report.bad_seq, report.reason);
    }
    *exit_code = report.ok ? 0 : 1;
  });
}

}  // namespace tl::tools
