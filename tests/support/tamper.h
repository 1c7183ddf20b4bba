// Changing a closed ledger's RocksDB files behind its back, as an attacker with file access
// would: with RocksDB's own `ldb` tool (Debian's rocksdb-tools), bypassing the ledger. For the
// tamper-detection tests.
#pragma once

#include <optional>
#include <string>

namespace tl::testing {

// Column families by name ("events", "chain", "streams", "event_ids", "meta", "tree",
// "signed").
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

// Rewrites the stored event at `seq` with `bytes` and recomputes the hash chain from it to the
// head (each chain entry and the head record), as an attacker who knows the format would: the
// chain then verifies, and only the Merkle tree and the signed checkpoints can tell.
void RewriteEventWithChain(const std::string& dir, uint64_t seq, const std::string& bytes);

// Deletes the last `count` events with their chain entries and moves the head record back, so
// that the log looks whole but shorter ("a consistent truncation").
void TruncateTail(const std::string& dir, uint64_t count);

// Cuts the Merkle tree's tiles back to a tree of `size` leaves, as an attacker who also
// understands the tree would after TruncateTail: the log and its tree then agree again, and
// only the signed checkpoints (and witnesses that remember them) tell.
void TruncateTree(const std::string& dir, uint64_t size);

}  // namespace tl::testing
