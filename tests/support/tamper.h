// Changing a closed ledger's RocksDB files behind its back, as an attacker with file access
// would: through RocksDB itself, bypassing the ledger. For the tamper-detection tests.
#pragma once

#include <optional>
#include <string>

namespace tl::testing {

// Column families by name ("events", "chain", "streams", "event_ids", "meta").
std::optional<std::string> RawGet(const std::string& dir, const std::string& family,
                                  const std::string& key);
void RawPut(const std::string& dir, const std::string& family, const std::string& key,
            const std::string& value);
void RawDelete(const std::string& dir, const std::string& family, const std::string& key);

// The 8-byte big-endian key of a seq.
std::string SeqKeyOf(uint64_t seq);

// Flips one bit near the end of the stored event at `seq`: still a well-formed message, but no
// longer the bytes the chain hashed.
void FlipEventByte(const std::string& dir, uint64_t seq);

}  // namespace tl::testing
