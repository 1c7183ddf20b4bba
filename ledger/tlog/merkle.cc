#include "ledger/tlog/merkle.h"

#include <fmt/format.h>

#include <bit>
#include <cassert>

namespace tl::tlog {
namespace {

// MTH(D[lo:hi]) for 0 <= lo < hi <= leaf_hashes.size(), by the definition.
Hash RangeHash(std::span<const Hash> leaves, int64_t lo, int64_t hi) {
  if (hi - lo == 1) return leaves[static_cast<size_t>(lo)];
  const int64_t k = SplitPoint(hi - lo);
  return NodeHash(RangeHash(leaves, lo, lo + k), RangeHash(leaves, lo + k, hi));
}

// PATH(index, D[lo:hi]), appended to `out` deepest first.
void Path(std::span<const Hash> leaves, int64_t index, int64_t lo, int64_t hi,
          std::vector<Hash>& out) {
  if (hi - lo == 1) return;
  const int64_t k = SplitPoint(hi - lo);
  if (index < lo + k) {
    Path(leaves, index, lo, lo + k, out);
    out.push_back(RangeHash(leaves, lo + k, hi));
  } else {
    Path(leaves, index, lo + k, hi, out);
    out.push_back(RangeHash(leaves, lo, lo + k));
  }
}

// SUBPROOF(m, D[lo:hi], b), appended to `out` deepest first.
void SubProof(std::span<const Hash> leaves, int64_t m, int64_t lo, int64_t hi, bool complete,
              std::vector<Hash>& out) {
  if (m == hi - lo) {
    if (!complete) out.push_back(RangeHash(leaves, lo, hi));
    return;
  }
  const int64_t k = SplitPoint(hi - lo);
  if (m <= k) {
    SubProof(leaves, m, lo, lo + k, complete, out);
    out.push_back(RangeHash(leaves, lo + k, hi));
  } else {
    SubProof(leaves, m - k, lo + k, hi, false, out);
    out.push_back(RangeHash(leaves, lo, lo + k));
  }
}

Status ProofFailed(std::string_view what, std::string_view why) {
  return Status::DataLoss(fmt::format("{} proof does not verify: {}", what, why));
}

}  // namespace

int64_t SplitPoint(int64_t n) {
  assert(n >= 2);
  return int64_t{1} << (std::bit_width(static_cast<uint64_t>(n - 1)) - 1);
}

Hash MerkleTreeHash(std::span<const Hash> leaf_hashes) {
  if (leaf_hashes.empty()) return EmptyRootHash();
  return RangeHash(leaf_hashes, 0, static_cast<int64_t>(leaf_hashes.size()));
}

Result<std::vector<Hash>> MerkleInclusionProof(std::span<const Hash> leaf_hashes, int64_t index) {
  const auto size = static_cast<int64_t>(leaf_hashes.size());
  if (index < 0 || index >= size) {
    return Status::BadField(
        fmt::format("leaf index {} is outside the tree of size {}", index, size));
  }
  std::vector<Hash> out;
  Path(leaf_hashes, index, 0, size, out);
  return out;
}

Result<std::vector<Hash>> MerkleConsistencyProof(std::span<const Hash> leaf_hashes,
                                                 int64_t old_size) {
  const auto size = static_cast<int64_t>(leaf_hashes.size());
  if (old_size < 1 || old_size > size) {
    return Status::BadField(
        fmt::format("no consistency proof from size {} to size {}", old_size, size));
  }
  std::vector<Hash> out;
  SubProof(leaf_hashes, old_size, 0, size, true, out);
  return out;
}

Result<Hash> RootFromInclusionProof(const Hash& leaf_hash, int64_t index, int64_t size,
                                    std::span<const Hash> proof) {
  if (index < 0 || index >= size) {
    return Status::BadField(
        fmt::format("leaf index {} is outside the tree of size {}", index, size));
  }
  // RFC 9162 §2.1.3.2, steps 2 to 5. fn walks the leaf's position up the tree and sn the last
  // leaf's; where they meet on the right edge, a level is skipped (no sibling there).
  uint64_t fn = static_cast<uint64_t>(index);
  uint64_t sn = static_cast<uint64_t>(size - 1);
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return ProofFailed("inclusion", "it has more hashes than the tree has levels");
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return ProofFailed("inclusion", "it has fewer hashes than the tree has levels");
  return r;
}

Status VerifyInclusion(const Hash& leaf_hash, int64_t index, int64_t size,
                       std::span<const Hash> proof, const Hash& root) {
  TL_ASSIGN_OR_RETURN(const Hash computed, RootFromInclusionProof(leaf_hash, index, size, proof));
  if (computed != root) {
    return ProofFailed("inclusion", fmt::format("leaf {} of tree size {} leads to root {}, not {}",
                                                index, size, HashToHex(computed), HashToHex(root)));
  }
  return Status::Ok();
}

Status VerifyConsistency(int64_t old_size, int64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof) {
  if (old_size < 1 || old_size > new_size) {
    return Status::BadField(
        fmt::format("no consistency proof from size {} to size {}", old_size, new_size));
  }
  if (old_size == new_size) {
    if (!proof.empty()) return ProofFailed("consistency", "equal sizes need an empty proof");
    if (old_root != new_root) return ProofFailed("consistency", "equal sizes with different roots");
    return Status::Ok();
  }
  if (proof.empty()) return ProofFailed("consistency", "it is empty");
  // RFC 9162 §2.1.4.2. When old_size is a power of two the old tree is itself a subtree of the
  // new one and the proof leaves its root out: the verifier starts from the root it knows.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(static_cast<uint64_t>(old_size))) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = static_cast<uint64_t>(old_size - 1);
  uint64_t sn = static_cast<uint64_t>(new_size - 1);
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return ProofFailed("consistency", "it has more hashes than the tree has levels");
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return ProofFailed("consistency", "it has fewer hashes than the tree has levels");
  if (fr != old_root) {
    return ProofFailed("consistency", fmt::format("it leads to old root {}, not {}", HashToHex(fr),
                                                  HashToHex(old_root)));
  }
  if (sr != new_root) {
    return ProofFailed("consistency", fmt::format("it leads to new root {}, not {}", HashToHex(sr),
                                                  HashToHex(new_root)));
  }
  return Status::Ok();
}

void RootBuilder::Add(const Hash& leaf_hash) {
  subtrees_.emplace_back(0, leaf_hash);
  // Two complete subtrees of the same height are the halves of one of the next height.
  while (subtrees_.size() >= 2 && subtrees_[subtrees_.size() - 2].first == subtrees_.back().first) {
    const Hash right = subtrees_.back().second;
    subtrees_.pop_back();
    subtrees_.back().second = NodeHash(subtrees_.back().second, right);
    ++subtrees_.back().first;
  }
  ++size_;
}

Hash RootBuilder::Root() const {
  if (subtrees_.empty()) return EmptyRootHash();
  // RFC 9162 splits at the largest power of two, so the root folds the complete subtrees from
  // the right: MTH = H(T0, H(T1, ... H(Tk-1, Tk))).
  Hash root = subtrees_.back().second;
  for (size_t i = subtrees_.size() - 1; i-- > 0;) root = NodeHash(subtrees_[i].second, root);
  return root;
}

}  // namespace tl::tlog
