// The hash chain that makes the log tamper-evident (docs/log-format.md, "Hash chain"):
//   hash(0) = 32 zero bytes
//   hash(n) = SHA-256(hash(n-1) || stored bytes of the event at seq n)
// Thread-safe.
#pragma once

#include <string_view>

#include "ledger/domain/sha256.h"
#include "ledger/domain/types.h"

namespace tl::ledger {

constexpr Hash kGenesisHash{};  // the prev_hash of seq 1

inline Hash ChainHash(const Hash& prev, std::string_view stored_bytes) {
  return Sha256(
      {std::string_view(reinterpret_cast<const char*>(prev.data()), prev.size()), stored_bytes});
}

}  // namespace tl::ledger
