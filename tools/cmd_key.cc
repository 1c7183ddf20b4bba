// ticketledger key --data DIR [--signing-key FILE] [--origin ORIGIN]
// Prints the ledger's verifier key, the line auditors check checkpoints and proofs with
// (docs/audit.md). The signing key is made now if the ledger has none yet, as `serve` would.
// Exit 0; 2 when the key cannot be read or made.
#include <fmt/format.h>

#include <filesystem>

#include "app/signing_key.h"
#include "tools/commands.h"
#include "tools/key_files.h"

namespace tl::tools {

void RegisterKey(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    std::string signing_key;
    std::string origin;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("key", "Print the ledger's verifier key (for auditors)");
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  cmd->add_option("--signing-key", args->signing_key,
                  "The signing key's file (default: signing.key in the data directory)");
  cmd->add_option("--origin", args->origin,
                  "The origin a new key is named for (default: <host name>/ticketledger)");
  cmd->callback([args, exit_code] {
    std::error_code ignored;
    std::filesystem::create_directories(args->data, ignored);
    bool created = false;
    auto signer = app::LoadOrCreateSigningKey(SigningKeyPath(args->data, args->signing_key),
                                              args->origin, /*create=*/true, &created);
    if (!signer.ok()) {
      fmt::print(stderr, "error: {}\n", signer.status().message());
      *exit_code = 2;
      return;
    }
    if (created) fmt::print(stderr, "made a new signing key for {}\n", signer->name());
    fmt::print("{}\n", signer->verifier().VerifierKey());
  });
}

}  // namespace tl::tools
