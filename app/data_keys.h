// The ledger's data keys as the product opens them (docs/privacy.md): the master key file
// (`--master-key`, by default <data>/master.key) and the key store of wrapped per-ticket data
// keys in <data>/keys/, a RocksDB of its own beside the log's.
#pragma once

#include <memory>
#include <string>

#include "ledger/domain/result.h"
#include "ledger/privacy/key_store.h"
#include "ledger/privacy/master_key.h"

namespace tl::app {

inline constexpr const char* kDefaultMasterKeyFile = "master.key";
inline constexpr const char* kKeyStoreDir = "keys";

// The master key file's path: `master_key` when given, else <data_dir>/master.key.
std::string MasterKeyPath(const std::string& data_dir, const std::string& master_key);

// Opens the key store under `data_dir` with the master key at MasterKeyPath. The master key file
// is created (0600) only together with a new key store, on a ledger's first start: a ledger
// whose key store exists and whose key file is missing is refused (kNotFound) rather than given
// a new key that would open nothing. A key store made with another master key is refused
// (kInvalidArgument, reason privacy::kWrongMasterKey) before anything is written.
Result<std::shared_ptr<privacy::KeyStore>> OpenDataKeys(const std::string& data_dir,
                                                        const std::string& master_key, bool create);

}  // namespace tl::app
