#include "ledger/privacy/requester_index.h"

#include <sodium.h>

#include "ledger/privacy/internal/sodium.h"

namespace tl::privacy {
namespace {

static_assert(crypto_auth_hmacsha256_BYTES == sizeof(RequesterDigest));
static_assert(crypto_auth_hmacsha256_KEYBYTES == kKeyBytes);

}  // namespace

RequesterIndex::RequesterIndex(const MasterKey& master) : index_key_(master.index_key()) {}

Result<RequesterDigest> RequesterIndex::RequesterKey(std::string_view address) const {
  internal::EnsureSodium();
  const std::string normalized = ledger::NormalizeAddress(address);
  if (normalized.empty()) return Status::BadField("requester address is empty");
  RequesterDigest digest{};
  crypto_auth_hmacsha256(digest.data(), reinterpret_cast<const unsigned char*>(normalized.data()),
                         normalized.size(), index_key_.bytes().data());
  return digest;
}

}  // namespace tl::privacy
