// ticketledger prove --data DIR --seq S [--size N] [--out FILE]
// Writes a self-contained proof that the event with seq S is in the log: its exact stored
// bytes, its RFC 9162 inclusion proof and the signed checkpoint of size N (default: the
// latest), in the C2SP tlog-proof text form (docs/audit.md). `ticketledger audit check-proof`
// or any tlog-proof verifier checks it offline with the ledger's verifier key.
// Exit 0; 1 when there is no signed checkpoint of that size or S is not in it; 2 when the
// ledger cannot be opened.
#include <fmt/format.h>

#include <fstream>

#include "ledger/tlog/proof_file.h"
#include "tools/cli_checks.h"
#include "tools/commands.h"
#include "tools/log_access.h"

namespace tl::tools {

void RegisterProve(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    uint64_t seq = 0;
    uint64_t size = 0;
    std::string out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("prove", "Write an offline-checkable proof of one event");
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  cmd->add_option("--seq", args->seq, "The event's seq")->required()->check(PositiveId());
  cmd->add_option("--size", args->size,
                  "The tree size of a signed checkpoint to prove it in (default: the latest)")
      ->check(NonNegativeId());
  cmd->add_option("--out", args->out, "Write the proof here (default: standard output)");
  cmd->callback([args, exit_code] {
    auto log = OpenLogForReading(args->data);
    if (!log) {
      *exit_code = 2;
      return;
    }
    auto fail = [&](std::string_view message) {
      fmt::print(stderr, "error: {}\n", message);
      *exit_code = 1;
    };
    std::optional<ledger::SignedCheckpoint> checkpoint;
    if (args->size == 0) {
      auto latest = log->LatestSignedCheckpoint();
      if (!latest.ok()) return fail(latest.status().message());
      checkpoint = *latest;
    } else {
      auto found = log->SignedCheckpoints(ledger::Seq(args->size - 1), 1);
      if (!found.ok()) return fail(found.status().message());
      if (!found->empty() && found->front().size.value() == args->size) checkpoint = found->front();
    }
    if (!checkpoint) {
      return fail(args->size ? fmt::format("no checkpoint was signed at size {}", args->size)
                             : "no checkpoint is signed yet (`serve` signs them)");
    }
    if (args->seq > checkpoint->size.value()) {
      return fail(
          fmt::format("seq {} is not in the checkpoint of size {}", args->seq, checkpoint->size));
    }
    auto entry = log->Entry(ledger::Seq(args->seq));
    if (!entry.ok()) return fail(entry.status().message());
    auto proof = log->InclusionProof(ledger::Seq(args->seq), checkpoint->size);
    if (!proof.ok()) return fail(proof.status().message());
    auto text = tlog::FormatProofFile(tlog::ProofFile{std::move(*entry),
                                                      static_cast<int64_t>(args->seq - 1),
                                                      std::move(*proof), checkpoint->note});
    if (!text.ok()) return fail(text.status().message());
    if (args->out.empty()) {
      fmt::print("{}", *text);
      return;
    }
    std::ofstream out(args->out, std::ios::binary | std::ios::trunc);
    out << *text;
    if (!out) return fail(fmt::format("cannot write {}", args->out));
  });
}

}  // namespace tl::tools
