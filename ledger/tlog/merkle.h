// RFC 9162 §2.1 Merkle tree math over an in-memory list of leaf hashes, and the verifiers.
//
// The tree of size n over entries D[0:n] has the root MTH(D[0:n]) of RFC 9162 §2.1.1: split at
// the largest power of two k < n, hash the left subtree D[0:k] and the right D[k:n], combine
// with NodeHash. Proofs are lists of hashes ordered exactly as RFC 9162 §2.1.3 and §2.1.4 build
// them: the deepest (closest to the leaf) first, the root's child last. That is the order
// golang.org/x/mod/sumdb/tlog's ProveRecord/ProveTree produce and CheckRecord/CheckTree accept.
//
// The list-based provers here are the reference against which the tile-based provers of
// tiles.h are tested; they hash O(n) and suit tests and tools, not the server. The verifiers
// are what a client runs and take O(log n). All functions are pure and thread-safe.
//
// Errors: kBadField for arguments outside the tree (an index ≥ size, an old size > new size);
// kCorruption for a proof that does not verify, with a message that says which check failed.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/domain/status.h"
#include "ledger/tlog/hash.h"

namespace tl::tlog {

// MTH over leaf hashes (not entries): EmptyRootHash() for none.
Hash MerkleTreeHash(std::span<const Hash> leaf_hashes);

// RFC 9162 §2.1.3.1 PATH(index, D[0:n]) with n = leaf_hashes.size(). kBadField unless
// 0 <= index < n.
Result<std::vector<Hash>> MerkleInclusionProof(std::span<const Hash> leaf_hashes, int64_t index);

// RFC 9162 §2.1.4.1 PROOF(old_size, D[0:n]) with n = leaf_hashes.size(): empty when
// old_size == n. kBadField unless 1 <= old_size <= n (nothing is to be proved from the empty
// tree, whose root is fixed).
Result<std::vector<Hash>> MerkleConsistencyProof(std::span<const Hash> leaf_hashes,
                                                 int64_t old_size);

// The root that `proof` implies for the leaf `leaf_hash` at `index` in a tree of `size`
// (RFC 9162 §2.1.3.2 without the final comparison). kBadField unless 0 <= index < size;
// kCorruption when the proof has the wrong number of hashes for that shape.
Result<Hash> RootFromInclusionProof(const Hash& leaf_hash, int64_t index, int64_t size,
                                    std::span<const Hash> proof);

// OK when `proof` shows that the leaf with hash `leaf_hash` is at `index` in the tree of `size`
// whose root is `root` (RFC 9162 §2.1.3.2).
Status VerifyInclusion(const Hash& leaf_hash, int64_t index, int64_t size,
                       std::span<const Hash> proof, const Hash& root);

// OK when `proof` shows that the tree of `old_size` with root `old_root` is a prefix of the
// tree of `new_size` with root `new_root` (RFC 9162 §2.1.4.2). When the sizes are equal the
// proof must be empty and the roots equal. kBadField unless 1 <= old_size <= new_size.
Status VerifyConsistency(int64_t old_size, int64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof);

// MTH computed as the leaves stream by, in O(log n) memory and one node hash per leaf
// (amortised): what a replay that checks the whole log against a signed root needs. A value
// type; not thread-safe.
class RootBuilder {
 public:
  void Add(const Hash& leaf_hash);
  int64_t size() const { return size_; }
  // MTH of the leaves added so far (EmptyRootHash() for none).
  Hash Root() const;

 private:
  // The roots of the complete subtrees the leaves so far decompose into, largest first, with
  // their heights: the binary digits of size_.
  std::vector<std::pair<int, Hash>> subtrees_;
  int64_t size_ = 0;
};

// The largest power of two strictly smaller than n (n >= 2): RFC 9162's split point k.
int64_t SplitPoint(int64_t n);

}  // namespace tl::tlog
