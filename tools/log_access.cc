#include "tools/log_access.h"

#include <fmt/format.h>

#include <filesystem>

namespace tl::tools {

bool MayHoldLedger(const std::string& dir) {
  std::error_code error;
  const bool found = std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", error);
  return found || error;
}

std::unique_ptr<ledger::EventLog> OpenLogForReading(const std::string& dir) {
  if (!MayHoldLedger(dir)) {
    fmt::print(stderr, "error: no ledger in {} (nothing has been written there yet)\n", dir);
    return nullptr;
  }
  ledger::LogOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  auto log = ledger::EventLog::Open(dir, options);
  if (!log.ok()) {
    fmt::print(stderr, "error: cannot open the ledger in {}: {}\n", dir, log.status().ToString());
    return nullptr;
  }
  return std::move(log).value();
}

std::unique_ptr<ledger::EventLog> OpenLogForWriting(const std::string& dir,
                                                    ledger::LogOptions options) {
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  auto log = ledger::EventLog::Open(dir, std::move(options));
  if (!log.ok()) {
    fmt::print(stderr, "error: cannot open the ledger in {}: {}\n", dir, log.status().ToString());
    return nullptr;
  }
  return std::move(log).value();
}

}  // namespace tl::tools
