// Known answers of RFC 6962/9162 trees, and the verifiers' handling of every kind of bad proof.
// The expected hashes are the Certificate Transparency reference vectors (google/
// certificate-transparency cpp/merkletree/merkle_tree_test.cc; transparency-dev/merkle
// testonly/constants.go and reference_test.go).
#include "ledger/tlog/merkle.h"

#include <catch2/catch.hpp>

#include "ledger/tlog/tiles.h"
#include "tests/ledger/tlog/test_util.h"

using namespace tl::tlog;
using namespace tl::tlog::testing;

namespace {

const char* const kRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  // empty tree
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct InclusionVector {
  int64_t index;
  int64_t size;
  std::vector<const char*> proof;
};

const InclusionVector kInclusion[] = {
    {0, 1, {}},
    {0, 2, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"}},
    {1, 2, {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

struct ConsistencyVector {
  int64_t old_size;
  int64_t new_size;
  std::vector<const char*> proof;
};

const ConsistencyVector kConsistency[] = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

std::vector<Hash> Hashes(const std::vector<const char*>& hex) {
  std::vector<Hash> out;
  for (const char* h : hex) out.push_back(HashFromHex(h));
  return out;
}

std::vector<Hash> ReferenceLeaves(int64_t size) {
  auto leaves = LeafHashes(ReferenceEntries());
  leaves.resize(static_cast<size_t>(size));
  return leaves;
}

}  // namespace

TEST_CASE("leaf and node hashes are SHA-256 with the RFC 9162 domain prefixes", "[tlog][merkle]") {
  CHECK(HashToHex(EmptyRootHash()) == kRoots[0]);
  CHECK(HashToHex(LeafHash("")) == kRoots[1]);
  CHECK(LeafHash("") == tl::ledger::Sha256({std::string(1, '\0')}));
  const Hash a = LeafHash("a");
  const Hash b = LeafHash("b");
  CHECK(NodeHash(a, b) ==
        tl::ledger::Sha256({"\x01" + std::string(HashBytes(a)) + std::string(HashBytes(b))}));
  CHECK(NodeHash(a, b) != NodeHash(b, a));
}

TEST_CASE("the reference tree has the published roots at every size from 0 to 8",
          "[tlog][merkle]") {
  const auto leaves = LeafHashes(ReferenceEntries());
  MemoryTileStore store;
  for (int64_t size = 0; size <= 8; ++size) {
    INFO("size " << size);
    const std::span<const Hash> prefix(leaves.data(), static_cast<size_t>(size));
    CHECK(HashToHex(MerkleTreeHash(prefix)) == kRoots[size]);
    auto root = TreeRoot(size, store);
    REQUIRE(root.ok());
    CHECK(HashToHex(*root) == kRoots[size]);
    if (size < 8) {
      auto writes = AppendLeaves(size, std::span(&leaves[static_cast<size_t>(size)], 1), store);
      REQUIRE(writes.ok());
      store.Apply(*writes);
    }
  }
}

TEST_CASE("inclusion proofs of the reference tree are the published ones, deepest first",
          "[tlog][merkle]") {
  const auto all = LeafHashes(ReferenceEntries());
  const MemoryTileStore store = StoreOf(all);
  for (const auto& v : kInclusion) {
    INFO("index " << v.index << " size " << v.size);
    const auto leaves = ReferenceLeaves(v.size);
    const auto want = Hashes(v.proof);
    auto listed = MerkleInclusionProof(leaves, v.index);
    REQUIRE(listed.ok());
    CHECK(*listed == want);
    auto tiled = InclusionProof(v.index, v.size, store);
    REQUIRE(tiled.ok());
    CHECK(*tiled == want);
    const Hash root = HashFromHex(kRoots[v.size]);
    CHECK(VerifyInclusion(all[static_cast<size_t>(v.index)], v.index, v.size, want, root).ok());
  }
}

TEST_CASE("consistency proofs of the reference tree are the published ones, deepest first",
          "[tlog][merkle]") {
  const MemoryTileStore store = StoreOf(LeafHashes(ReferenceEntries()));
  for (const auto& v : kConsistency) {
    INFO("from " << v.old_size << " to " << v.new_size);
    const auto want = Hashes(v.proof);
    auto listed = MerkleConsistencyProof(ReferenceLeaves(v.new_size), v.old_size);
    REQUIRE(listed.ok());
    CHECK(*listed == want);
    auto tiled = ConsistencyProof(v.old_size, v.new_size, store);
    REQUIRE(tiled.ok());
    CHECK(*tiled == want);
    CHECK(VerifyConsistency(v.old_size, v.new_size, HashFromHex(kRoots[v.old_size]),
                            HashFromHex(kRoots[v.new_size]), want)
              .ok());
  }
}

TEST_CASE("an inclusion proof is rejected for a wrong leaf, index, size, root or proof",
          "[tlog][merkle]") {
  const auto leaves = LeafHashes(ReferenceEntries());
  const Hash root = HashFromHex(kRoots[8]);
  const Hash leaf = leaves[5];
  const auto proof = Hashes(kInclusion[6].proof);  // index 5, size 8
  REQUIRE(VerifyInclusion(leaf, 5, 8, proof, root).ok());

  CHECK(VerifyInclusion(leaves[4], 5, 8, proof, root).code() == tl::StatusCode::kDataLoss);
  CHECK(VerifyInclusion(LeafHash("WrongLeaf"), 5, 8, proof, root).code() ==
        tl::StatusCode::kDataLoss);
  for (int64_t index : {4, 6, 5 ^ 2}) {
    CHECK_FALSE(VerifyInclusion(leaf, index, 8, proof, root).ok());
  }
  // Sizes of another shape (a size of the same shape, like 7 here, proves nothing different:
  // the root, which a signature binds to its size, is what matters).
  for (int64_t size : {4, 6, 16}) {
    CHECK_FALSE(VerifyInclusion(leaf, 5, size, proof, root).ok());
  }
  CHECK_FALSE(VerifyInclusion(leaf, 5, 8, proof, EmptyRootHash()).ok());
  for (size_t i = 0; i < proof.size(); ++i) {
    auto wrong = proof;
    wrong[i] = EmptyRootHash();
    CHECK_FALSE(VerifyInclusion(leaf, 5, 8, wrong, root).ok());
  }
  auto longer = proof;
  longer.push_back(root);
  CHECK_FALSE(VerifyInclusion(leaf, 5, 8, longer, root).ok());
  longer.insert(longer.begin(), leaf);
  longer.pop_back();
  CHECK_FALSE(VerifyInclusion(leaf, 5, 8, longer, root).ok());
  auto shorter = proof;
  shorter.pop_back();
  auto status = VerifyInclusion(leaf, 5, 8, shorter, root);
  CHECK(status.code() == tl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(status.message()), Catch::Contains("fewer hashes"));

  // A one-leaf tree's root is its leaf hash, proved by the empty proof.
  CHECK(VerifyInclusion(leaves[0], 0, 1, {}, leaves[0]).ok());
  CHECK(VerifyInclusion(leaf, 8, 8, proof, root).code() == tl::StatusCode::kInvalidArgument);
  CHECK(VerifyInclusion(leaf, -1, 8, proof, root).code() == tl::StatusCode::kInvalidArgument);
  CHECK(VerifyInclusion(leaf, 0, 0, {}, root).code() == tl::StatusCode::kInvalidArgument);
}

TEST_CASE("a consistency proof is rejected for wrong sizes, roots or proof hashes",
          "[tlog][merkle]") {
  const auto proof = Hashes(kConsistency[3].proof);  // 6 -> 8
  const Hash old_root = HashFromHex(kRoots[6]);
  const Hash new_root = HashFromHex(kRoots[8]);
  REQUIRE(VerifyConsistency(6, 8, old_root, new_root, proof).ok());

  for (int64_t old_size : {5, 7, 6 ^ 2}) {
    CHECK_FALSE(VerifyConsistency(old_size, 8, old_root, new_root, proof).ok());
  }
  for (int64_t new_size : {4, 16}) {
    CHECK_FALSE(VerifyConsistency(6, new_size, old_root, new_root, proof).ok());
  }
  CHECK_FALSE(VerifyConsistency(6, 8, new_root, new_root, proof).ok());
  CHECK_FALSE(VerifyConsistency(6, 8, old_root, old_root, proof).ok());
  CHECK_FALSE(VerifyConsistency(6, 8, new_root, old_root, proof).ok());
  CHECK_FALSE(VerifyConsistency(6, 8, old_root, new_root, {}).ok());
  for (size_t i = 0; i < proof.size(); ++i) {
    auto wrong = proof;
    wrong[i] = EmptyRootHash();
    CHECK_FALSE(VerifyConsistency(6, 8, old_root, new_root, wrong).ok());
  }
  auto longer = proof;
  longer.push_back(proof.back());
  CHECK_FALSE(VerifyConsistency(6, 8, old_root, new_root, longer).ok());
  auto shorter = proof;
  shorter.pop_back();
  CHECK_FALSE(VerifyConsistency(6, 8, old_root, new_root, shorter).ok());

  // Equal sizes: the empty proof, and only for equal roots.
  CHECK(VerifyConsistency(8, 8, new_root, new_root, {}).ok());
  CHECK(VerifyConsistency(8, 8, old_root, new_root, {}).code() == tl::StatusCode::kDataLoss);
  CHECK(VerifyConsistency(8, 8, new_root, new_root, proof).code() == tl::StatusCode::kDataLoss);
  // Nothing is proved from the empty tree or backwards in time.
  CHECK(VerifyConsistency(0, 8, EmptyRootHash(), new_root, {}).code() ==
        tl::StatusCode::kInvalidArgument);
  CHECK(VerifyConsistency(8, 6, new_root, old_root, proof).code() ==
        tl::StatusCode::kInvalidArgument);
}

TEST_CASE("the provers refuse indexes and sizes outside the tree", "[tlog][merkle]") {
  const auto leaves = LeafHashes(ReferenceEntries());
  const MemoryTileStore store = StoreOf(leaves);
  CHECK(MerkleInclusionProof(leaves, 8).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(MerkleInclusionProof(leaves, -1).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(MerkleConsistencyProof(leaves, 0).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(MerkleConsistencyProof(leaves, 9).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(InclusionProof(8, 8, store).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(ConsistencyProof(0, 8, store).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(ConsistencyProof(5, 4, store).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(TreeRoot(-1, store).status().code() == tl::StatusCode::kInvalidArgument);
}

TEST_CASE("a root built as the leaves stream by is the MTH of them, at every size", "[tlog]") {
  std::vector<Hash> leaves;
  RootBuilder builder;
  CHECK(builder.Root() == EmptyRootHash());
  for (int n = 1; n <= 600; ++n) {
    leaves.push_back(LeafHash(std::to_string(n)));
    builder.Add(leaves.back());
    INFO("size " << n);
    CHECK(builder.size() == n);
    REQUIRE(builder.Root() == MerkleTreeHash(leaves));
  }
}
