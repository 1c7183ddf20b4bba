#include "tools/log_access.h"

#include <fmt/format.h>

#include <filesystem>

#include "app/data_keys.h"

namespace tl::tools {

bool MayHoldLedger(const std::string& dir) {
  std::error_code error;
  const bool found = std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", error);
  return found || error;
}

std::unique_ptr<ledger::EventLog> OpenLogForReading(const std::string& dir, bool with_keys,
                                                    const std::string& master_key) {
  if (!MayHoldLedger(dir)) {
    fmt::print(stderr, "error: no ledger in {} (nothing has been written there yet)\n", dir);
    return nullptr;
  }
  ledger::LogOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  std::error_code no_keys;  // a folder that cannot be looked into: opening the log says why
  if (with_keys &&
      std::filesystem::exists(std::filesystem::path(dir) / app::kKeyStoreDir, no_keys)) {
    // Personal fields read as text only with the key store, which one process at a time may
    // open: beside a running server they stay sealed, and say so (docs/privacy.md).
    auto keys = app::OpenDataKeys(dir, master_key, /*create=*/false);
    if (keys.ok()) {
      options.keys = std::move(keys).value();
    } else {
      fmt::print(stderr, "note: personal fields stay sealed: {}\n", keys.status().ToString());
    }
  }
  auto log = ledger::EventLog::Open(dir, options);
  if (!log.ok()) {
    fmt::print(stderr, "error: cannot open the ledger in {}: {}\n", dir, log.status().ToString());
    return nullptr;
  }
  return std::move(log).value();
}

Status AddDataKeysIfAny(const std::string& dir, const std::string& master_key,
                        ledger::LogOptions& options) {
  std::error_code error;
  if (!std::filesystem::exists(std::filesystem::path(dir) / app::kKeyStoreDir, error)) {
    return Status::Ok();
  }
  TL_ASSIGN_OR_RETURN(options.keys, app::OpenDataKeys(dir, master_key, /*create=*/false));
  return Status::Ok();
}

std::unique_ptr<ledger::EventLog> OpenLogForWriting(const std::string& dir,
                                                    ledger::LogOptions options,
                                                    const std::string& master_key) {
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  auto keys = app::OpenDataKeys(dir, master_key, /*create=*/true);
  if (!keys.ok()) {
    fmt::print(stderr, "error: cannot open the data keys of the ledger in {}: {}\n", dir,
               keys.status().ToString());
    return nullptr;
  }
  options.keys = std::move(keys).value();
  auto log = ledger::EventLog::Open(dir, std::move(options));
  if (!log.ok()) {
    fmt::print(stderr, "error: cannot open the ledger in {}: {}\n", dir, log.status().ToString());
    return nullptr;
  }
  return std::move(log).value();
}

}  // namespace tl::tools
