// The requester index key: how the event store finds a requester's tickets (for an access
// request or an erasure request) without storing the requester's address in clear.
//
// RequesterKey(address) = HMAC-SHA-256(index subkey of the master key, NormalizeAddress(address)).
// Without the master key the index reveals nothing, not even which tickets share a requester
// by a dictionary attack on addresses; with it, one address can be looked up. Erasing a
// ticket's data key does not remove its index entry: the integrator removes that entry with
// the erasure (the digest is personal data while the master key exists).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"
#include "ledger/privacy/master_key.h"
#include "ledger/privacy/secret_key.h"

namespace tl::privacy {

// The normalisation rule, applied before hashing, so that the ways one person's address is
// written find the same tickets:
//   1. trim ASCII whitespace (space, \t, \n, \v, \f, \r) at both ends;
//   2. lower-case ASCII letters in the whole address, local part included (RFC 5321 lets the
//      local part be case-sensitive, but no mail system in use treats it so, and people type
//      both); bytes >= 0x80 are left as they are: no Unicode case folding or normalisation;
//   3. remove a leading "mailto:" (in any case, since step 2 ran first), then trim again.
// Nothing else: no display names ("Ann <ann@x>"), no "+tag" or dot removal, no IDN conversion.
// Changing the rule changes every key: it is part of the stored format.
std::string NormalizeAddress(std::string_view address);

using RequesterDigest = std::array<uint8_t, 32>;

// Thread-safety: immutable after construction; RequesterKey may run concurrently.
class RequesterIndex {
 public:
  explicit RequesterIndex(const MasterKey& master);

  // HMAC-SHA-256 of NormalizeAddress(address) under the index subkey; kInvalidArgument when the
  // normalised address is empty (the message holds no part of the address).
  Result<RequesterDigest> RequesterKey(std::string_view address) const;

 private:
  SecretKey index_key_;
};

}  // namespace tl::privacy
