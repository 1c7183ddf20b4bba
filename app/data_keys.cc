#include "app/data_keys.h"

#include <fmt/format.h>

#include <filesystem>

#include "ledger/privacy/master_key.h"

namespace tl::app {

std::string MasterKeyPath(const std::string& data_dir, const std::string& master_key) {
  if (!master_key.empty()) return master_key;
  return (std::filesystem::path(data_dir) / kDefaultMasterKeyFile).string();
}

Result<DataKeys> OpenDataKeysWithMaster(const std::string& data_dir, const std::string& master_key,
                                        bool create) {
  const std::string key_path = MasterKeyPath(data_dir, master_key);
  const std::string store_dir = (std::filesystem::path(data_dir) / kKeyStoreDir).string();
  std::error_code error;
  const bool store_exists = std::filesystem::exists(store_dir + "/CURRENT", error);
  const bool make = create && !store_exists && !error;
  auto master =
      make ? privacy::MasterKey::LoadOrCreate(key_path) : privacy::MasterKey::Load(key_path);
  if (!master.ok()) {
    return master.status().WithContext(
        fmt::format("the master key the key store in {} needs", store_dir));
  }
  privacy::KeyStoreOptions options;
  options.create_if_missing = make;
  TL_ASSIGN_OR_RETURN(std::unique_ptr<privacy::KeyStore> store,
                      privacy::KeyStore::Open(store_dir, *master, options));
  return DataKeys{std::shared_ptr<privacy::KeyStore>(std::move(store)), std::move(master).value()};
}

Result<std::shared_ptr<privacy::KeyStore>> OpenDataKeys(const std::string& data_dir,
                                                        const std::string& master_key,
                                                        bool create) {
  TL_ASSIGN_OR_RETURN(DataKeys keys, OpenDataKeysWithMaster(data_dir, master_key, create));
  return std::move(keys.store);
}

}  // namespace tl::app
