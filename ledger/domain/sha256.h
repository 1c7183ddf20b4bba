// SHA-256 from OpenSSL's libcrypto, never from hand-written code: the hash behind the chain,
// the Merkle tree, name-based event ids and command fingerprints. Thread-safe.
#pragma once

#include <initializer_list>
#include <string_view>

#include "ledger/domain/types.h"

namespace tl::ledger {

// SHA-256 of the concatenation of `parts`.
Hash Sha256(std::initializer_list<std::string_view> parts);

}  // namespace tl::ledger
