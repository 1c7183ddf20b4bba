// ticketledger keys rotate --data DIR [--master-key OLD] --new-master-key NEW
//
// Master key rotation, with the server stopped (docs/privacy.md, "Master key rotation"):
// re-wraps every data key of the ledger's key store from the master key OLD (default
// master.key in the data directory) to NEW, and retires the old wrapped forms from the store's
// files (KeyStore::RewrapAll). NEW is created (32 random bytes, mode 0600) when absent, as the
// first start creates a ledger's key. Rerunnable: after a crash, running it again with the same
// two files finishes whichever step was left. Exit 0 when the store answers to NEW; 1 when
// OLD is not the store's key (nothing is written); 2 for a usage or environment error (no key
// store, a key file that cannot be read or made, the store in use by a running server).
#include <fmt/format.h>

#include <filesystem>

#include "app/data_keys.h"
#include "ledger/privacy/key_store.h"
#include "ledger/privacy/master_key.h"
#include "tools/commands.h"

namespace tl::tools {

namespace {

namespace fs = std::filesystem;

struct RotateArgs {
  std::string data;
  std::string master_key;
  std::string new_master_key;
};

// Runs the rotation; prints what it did, or the error. Returns the exit code.
int Rotate(const RotateArgs& args) {
  const std::string store_dir = (fs::path(args.data) / app::kKeyStoreDir).string();
  std::error_code error;
  if (!fs::exists(fs::path(store_dir) / "CURRENT", error)) {
    fmt::print(stderr, "error: no key store in {}: nothing to rotate\n", store_dir);
    return 2;
  }
  const std::string old_path = app::MasterKeyPath(args.data, args.master_key);
  if (fs::equivalent(old_path, args.new_master_key, error)) {
    fmt::print(stderr, "error: --new-master-key names the current master key file {}\n", old_path);
    return 2;
  }
  auto old_key = privacy::MasterKey::Load(old_path);
  if (!old_key.ok()) {
    fmt::print(stderr, "error: the current master key: {}\n", old_key.status().ToString());
    return 2;
  }
  bool created = false;
  auto new_key = privacy::MasterKey::LoadOrCreate(args.new_master_key, &created);
  if (!new_key.ok()) {
    fmt::print(stderr, "error: the new master key: {}\n", new_key.status().ToString());
    return 2;
  }
  if (created) {
    fmt::print("created the new master key file {} (mode 0600): back it up now\n",
               args.new_master_key);
  }
  if (old_key->key_check_value() == new_key->key_check_value()) {
    fmt::print(stderr, "error: {} and {} hold the same master key ({})\n", old_path,
               args.new_master_key, old_key->Fingerprint());
    return 2;
  }
  auto rewrapped = privacy::KeyStore::RewrapAll(store_dir, *old_key, *new_key);
  if (!rewrapped.ok()) {
    const bool wrong_key = rewrapped.status().reason() == privacy::kWrongMasterKey;
    fmt::print(stderr, "error: {}\n", rewrapped.status().ToString());
    return wrong_key ? 1 : 2;
  }
  fmt::print(
      "re-wrapped {} data keys in {} from master key {} to master key {}{}\n"
      "start the server with --master-key {}; destroy {} once no key store backup made before "
      "now is kept\n",
      *rewrapped, store_dir, old_key->Fingerprint(), new_key->Fingerprint(),
      *rewrapped == 0 ? " (the store answered to the new key already: only its files were "
                        "cleaned)"
                      : "",
      args.new_master_key, old_path);
  return 0;
}

}  // namespace

void RegisterKeys(CLI::App& app, int* exit_code) {
  auto* keys = app.add_subcommand("keys", "The ledger's data keys (docs/privacy.md)");
  keys->require_subcommand(1);

  auto args = std::make_shared<RotateArgs>();
  auto* rotate = keys->add_subcommand(
      "rotate", "Re-wrap every data key under a new master key (the server must be stopped)");
  rotate->add_option("--data", args->data, "The ledger's data directory")->required();
  rotate->add_option("--master-key", args->master_key,
                     "The current master key file (default: master.key in the data directory)");
  rotate
      ->add_option("--new-master-key", args->new_master_key,
                   "The new master key file (created, mode 0600, when absent)")
      ->required();
  rotate->callback([args, exit_code] { *exit_code = Rotate(*args); });
}

}  // namespace tl::tools
