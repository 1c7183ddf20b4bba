// The requester index key: how the event store finds a requester's tickets (for an access
// request or an erasure request) without storing the requester's address in clear.
//
// RequesterKey(address) = HMAC-SHA-256(index key, ledger::NormalizeAddress(address)) (the one
// normalisation rule: ledger/domain/address.h).
// Without the master key the index reveals nothing, not even which tickets share a requester
// by a dictionary attack on addresses; with it, one address can be looked up. The digests are
// kept in the key store, in each ticket's key record (key_store.h), so that destroying the key
// removes them too: a digest is personal data while the master key exists.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/domain/address.h"
#include "ledger/domain/result.h"
#include "ledger/privacy/master_key.h"
#include "ledger/privacy/secret_key.h"

namespace tl::privacy {

using RequesterDigest = std::array<uint8_t, 32>;

// Thread-safety: immutable after construction; RequesterKey may run concurrently.
class RequesterIndex {
 public:
  // The index key derived from `master`.
  explicit RequesterIndex(const MasterKey& master);
  // An index key held elsewhere: the key store's, which survives master key rotation.
  explicit RequesterIndex(const SecretKey& index_key) : index_key_(index_key) {}

  // HMAC-SHA-256 of NormalizeAddress(address) under the index subkey; kInvalidArgument when the
  // normalised address is empty (the message holds no part of the address).
  Result<RequesterDigest> RequesterKey(std::string_view address) const;

 private:
  SecretKey index_key_;
};

}  // namespace tl::privacy
