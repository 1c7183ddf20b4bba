// The tiled tree against the list-based reference: same roots and proofs at every size, the
// same tiles however the leaves are batched, and proofs that break on any flipped bit.
#include "ledger/tlog/tiles.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <tuple>

#include "ledger/tlog/merkle.h"
#include "tests/ledger/tlog/test_util.h"

using namespace tl::tlog;
using namespace tl::tlog::testing;

namespace {

std::span<const Hash> Prefix(const std::vector<Hash>& leaves, int64_t size) {
  return {leaves.data(), static_cast<size_t>(size)};
}

// Values in [1, n] worth testing at size n: the edges and `count` random ones.
std::vector<int64_t> Sample(std::mt19937_64& rng, int64_t n, int count) {
  std::vector<int64_t> out = {1, n, std::max<int64_t>(1, n - 1), std::max<int64_t>(1, n / 2)};
  std::uniform_int_distribution<int64_t> any(1, n);
  for (int i = 0; i < count; ++i) out.push_back(any(rng));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Checks root, inclusion and consistency proofs of the tree of `size` read from `store` (which
// may hold a larger tree) against the reference over the leaf list.
void CheckSizeAgainstReference(const MemoryTileStore& store, const std::vector<Hash>& leaves,
                               int64_t size, std::mt19937_64& rng, int samples) {
  INFO("size " << size);
  const auto prefix = Prefix(leaves, size);
  const Hash root = MerkleTreeHash(prefix);
  auto tiled_root = TreeRoot(size, store);
  REQUIRE(tiled_root.ok());
  REQUIRE(*tiled_root == root);
  for (int64_t seq : Sample(rng, size, samples)) {
    const int64_t index = seq - 1;
    INFO("index " << index);
    auto want = MerkleInclusionProof(prefix, index);
    auto got = InclusionProof(index, size, store);
    REQUIRE(want.ok());
    REQUIRE(got.ok());
    REQUIRE(*got == *want);
    REQUIRE(VerifyInclusion(leaves[static_cast<size_t>(index)], index, size, *got, root).ok());
  }
  for (int64_t old_size : Sample(rng, size, samples)) {
    INFO("old size " << old_size);
    auto want = MerkleConsistencyProof(prefix, old_size);
    auto got = ConsistencyProof(old_size, size, store);
    REQUIRE(want.ok());
    REQUIRE(got.ok());
    REQUIRE(*got == *want);
    REQUIRE(VerifyConsistency(old_size, size, MerkleTreeHash(Prefix(leaves, old_size)), root, *got)
                .ok());
  }
}

Hash FlipBit(Hash h, int bit) {
  h[static_cast<size_t>(bit / 8)] ^= static_cast<uint8_t>(1u << (bit % 8));
  return h;
}

}  // namespace

TEST_CASE("tiled roots and proofs equal the reference at every size from 1 to 600",
          "[tlog][tiles]") {
  std::mt19937_64 rng(600);
  const auto leaves = LeafHashes(RandomEntries(rng, 600));
  // One store of the largest tree serves every smaller size: stored hashes never change.
  const MemoryTileStore store = StoreOf(leaves);
  for (int64_t size = 1; size <= 600; ++size)
    CheckSizeAgainstReference(store, leaves, size, rng, 4);
}

TEST_CASE("tiled roots and proofs equal the reference at sampled sizes up to 5,000",
          "[tlog][tiles]") {
  std::mt19937_64 rng(5000);
  const auto leaves = LeafHashes(RandomEntries(rng, 5000));
  const MemoryTileStore store = StoreOf(leaves);
  std::vector<int64_t> sizes = {601, 1023, 1024, 1025, 4095, 4096, 4097, 5000};
  std::uniform_int_distribution<int64_t> any(601, 5000);
  for (int i = 0; i < 40; ++i) sizes.push_back(any(rng));
  for (int64_t size : sizes) CheckSizeAgainstReference(store, leaves, size, rng, 8);
}

TEST_CASE("tiled proofs equal the reference across the second tile level (65,536 leaves)",
          "[tlog][tiles][slow]") {
  std::mt19937_64 rng(65536);
  std::vector<Hash> leaves;
  for (int64_t i = 0; i < 66000; ++i) leaves.push_back(LeafHash(std::to_string(i)));
  const MemoryTileStore store = StoreOf(leaves);
  CHECK(store.tiles().count({2, 0}) == 1);  // 65,536 leaves make a tree level-16 hash
  for (int64_t size : {65535, 65536, 65537, 65536 + 256, 65536 + 257, 66000}) {
    CheckSizeAgainstReference(store, leaves, size, rng, 3);
  }
}

TEST_CASE("a partial tile holds the complete subtrees at the right edge only", "[tlog][tiles]") {
  std::mt19937_64 rng(1);
  const auto leaves = LeafHashes(RandomEntries(rng, 600));
  const MemoryTileStore store = StoreOf(leaves);
  // 600 leaves: level-0 tiles of 256, 256 and 88 leaf hashes; one level-1 tile with the roots
  // of the two full level-0 tiles.
  REQUIRE(store.TileCount() == 4);
  CHECK(store.tiles().at({0, 0}).size() == 256 * kHashSize);
  CHECK(store.tiles().at({0, 2}).size() == 88 * kHashSize);
  CHECK(store.tiles().at({0, 2}).substr(0, kHashSize) == HashBytes(leaves[512]));
  const std::string& level1 = store.tiles().at({1, 0});
  REQUIRE(level1.size() == 2 * kHashSize);
  CHECK(level1.substr(kHashSize) == HashBytes(MerkleTreeHash(std::span(&leaves[256], 256))));
  CHECK(store.StoredBytes() == (600 + 2) * static_cast<int64_t>(kHashSize));
  CHECK(TileWidthAt(0, 2, 600) == 88);
  CHECK(TileWidthAt(1, 0, 600) == 2);
  CHECK(TileWidthAt(1, 1, 600) == 0);
  CHECK(TileWidthAt(2, 0, 600) == 0);
}

TEST_CASE("appending in one batch, leaf by leaf or in random chunks stores identical tiles",
          "[tlog][tiles]") {
  std::mt19937_64 rng(42);
  const int64_t total = GENERATE(1, 255, 256, 257, 5000, 66000);
  INFO("total " << total);
  std::vector<Hash> leaves;
  for (int64_t i = 0; i < total; ++i) leaves.push_back(LeafHash("entry " + std::to_string(i)));
  const MemoryTileStore batch = StoreOf(leaves);

  MemoryTileStore one_by_one;
  for (int64_t i = 0; i < total; ++i) {
    auto writes = AppendLeaves(i, std::span(&leaves[static_cast<size_t>(i)], 1), one_by_one);
    REQUIRE(writes.ok());
    // One leaf changes one tile per level it completes, and never more than one per level.
    REQUIRE(writes->size() <= 3);
    one_by_one.Apply(*writes);
  }
  CHECK(one_by_one.tiles() == batch.tiles());

  MemoryTileStore chunked;
  std::uniform_int_distribution<int64_t> chunk(1, 700);
  for (int64_t done = 0; done < total;) {
    const int64_t k = std::min(total - done, chunk(rng));
    auto writes =
        AppendLeaves(done, Prefix(leaves, done + k).subspan(static_cast<size_t>(done)), chunked);
    REQUIRE(writes.ok());
    // The root can be had before the writes are stored, through an overlay.
    auto root = TreeRoot(done + k, TileOverlay(*writes, chunked));
    REQUIRE(root.ok());
    REQUIRE(*root == MerkleTreeHash(Prefix(leaves, done + k)));
    chunked.Apply(*writes);
    done += k;
  }
  CHECK(chunked.tiles() == batch.tiles());
}

TEST_CASE("a tile write says which hashes it appends to the stored tile", "[tlog][tiles]") {
  std::vector<Hash> leaves;
  for (int i = 0; i < 300; ++i) leaves.push_back(LeafHash(std::to_string(i)));
  MemoryTileStore store = StoreOf(std::vector<Hash>(leaves.begin(), leaves.begin() + 250));
  auto writes = AppendLeaves(250, std::span(&leaves[250], 50), store);
  REQUIRE(writes.ok());
  // Tile (0,0) completes (250 -> 256), tile (0,1) is new with 44 hashes, tile (1,0) is new.
  REQUIRE(writes->size() == 3);
  CHECK((*writes)[0].level == 0);
  CHECK((*writes)[0].index == 0);
  CHECK((*writes)[0].old_width == 250);
  CHECK((*writes)[0].hashes.substr(0, 250 * kHashSize) == store.tiles().at({0, 0}));
  CHECK((*writes)[1].index == 1);
  CHECK((*writes)[1].old_width == 0);
  CHECK((*writes)[1].hashes.size() == 44 * kHashSize);
  CHECK((*writes)[2].level == 1);
  CHECK((*writes)[2].hashes == std::string(HashBytes(MerkleTreeHash(std::span(&leaves[0], 256)))));
  CHECK(AppendLeaves(250, {}, store)->empty());
}

TEST_CASE("appending to tiles of another tree size is reported as corruption", "[tlog][tiles]") {
  std::vector<Hash> leaves;
  for (int i = 0; i < 300; ++i) leaves.push_back(LeafHash(std::to_string(i)));
  const MemoryTileStore store = StoreOf(leaves);
  const Hash extra = LeafHash("extra");
  // The stored partial tile has 44 hashes, not 43 or 45.
  auto behind = AppendLeaves(299, std::span(&extra, 1), store);
  CHECK(behind.status().code() == tl::StatusCode::kDataLoss);
  auto ahead = AppendLeaves(301, std::span(&extra, 1), store);
  CHECK(ahead.status().code() == tl::StatusCode::kDataLoss);
  // A tile the store does not have: the reader's error, with the tile named.
  auto missing = AppendLeaves(1000, std::span(&extra, 1), store);
  CHECK(missing.status().code() == tl::StatusCode::kNotFound);
  CHECK_THAT(std::string(missing.status().message()), Catch::Contains("tile (0, 3)"));
  CHECK(AppendLeaves(-1, std::span(&extra, 1), store).status().code() ==
        tl::StatusCode::kInvalidArgument);
}

TEST_CASE("proofs for a size beyond the stored tiles fail instead of guessing", "[tlog][tiles]") {
  std::vector<Hash> leaves;
  for (int i = 0; i < 300; ++i) leaves.push_back(LeafHash(std::to_string(i)));
  MemoryTileStore store = StoreOf(leaves);
  auto root = TreeRoot(301, store);
  CHECK(root.status().code() == tl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(root.status().message()), Catch::Contains("tile (0, 1) holds 44 hashes"));
  CHECK_FALSE(InclusionProof(3, 1000, store).ok());
  CHECK_FALSE(ConsistencyProof(10, 400, store).ok());

  // A tile that is not a whole number of hashes is corruption.
  MemoryTileStore broken = store;
  TileWrite bad{0, 1, std::string(44 * kHashSize - 1, 'x'), 0};
  broken.Apply(std::span(&bad, 1));
  CHECK(TreeRoot(300, broken).status().code() == tl::StatusCode::kDataLoss);
}

TEST_CASE("proofs verify at random sizes and break when any bit of the entry or a hash flips",
          "[tlog][tiles]") {
  std::mt19937_64 rng(9162);
  const auto entries = RandomEntries(rng, 5000);
  const auto leaves = LeafHashes(entries);
  const MemoryTileStore store = StoreOf(leaves);
  std::uniform_int_distribution<int64_t> any_size(1, 5000);
  for (int round = 0; round < 12; ++round) {
    const int64_t size = any_size(rng);
    const int64_t index = std::uniform_int_distribution<int64_t>(0, size - 1)(rng);
    const int64_t old_size = std::uniform_int_distribution<int64_t>(1, size)(rng);
    INFO("size " << size << " index " << index << " old size " << old_size);
    auto root = TreeRoot(size, store);
    auto old_root = TreeRoot(old_size, store);
    auto inclusion = InclusionProof(index, size, store);
    auto consistency = ConsistencyProof(old_size, size, store);
    REQUIRE((root.ok() && old_root.ok() && inclusion.ok() && consistency.ok()));

    const std::string& entry = entries[static_cast<size_t>(index)];
    REQUIRE(VerifyInclusion(LeafHash(entry), index, size, *inclusion, *root).ok());
    for (size_t bit = 0; bit < entry.size() * 8; ++bit) {
      std::string flipped = entry;
      flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
      REQUIRE_FALSE(VerifyInclusion(LeafHash(flipped), index, size, *inclusion, *root).ok());
    }
    for (size_t i = 0; i < inclusion->size(); ++i) {
      for (int bit = 0; bit < 256; ++bit) {
        auto proof = *inclusion;
        proof[i] = FlipBit(proof[i], bit);
        REQUIRE_FALSE(VerifyInclusion(LeafHash(entry), index, size, proof, *root).ok());
      }
    }

    REQUIRE(VerifyConsistency(old_size, size, *old_root, *root, *consistency).ok());
    for (size_t i = 0; i < consistency->size(); ++i) {
      for (int bit = 0; bit < 256; ++bit) {
        auto proof = *consistency;
        proof[i] = FlipBit(proof[i], bit);
        REQUIRE_FALSE(VerifyConsistency(old_size, size, *old_root, *root, proof).ok());
      }
    }
    for (int bit = 0; bit < 256; ++bit) {
      REQUIRE_FALSE(
          VerifyConsistency(old_size, size, FlipBit(*old_root, bit), *root, *consistency).ok());
      REQUIRE_FALSE(
          VerifyConsistency(old_size, size, *old_root, FlipBit(*root, bit), *consistency).ok());
    }
  }
}

namespace {

// A store that never writes a key twice: each write puts only its new hashes under
// (level, index, old_width), and a read concatenates a tile's pieces in order.
class AppendOnlyTileStore final : public TileReader {
 public:
  tl::Result<std::string> ReadTile(int level, int64_t index) const override {
    std::string out;
    for (auto it = pieces_.lower_bound({level, index, 0});
         it != pieces_.end() && std::get<0>(it->first) == level && std::get<1>(it->first) == index;
         ++it) {
      out += it->second;
    }
    if (out.empty()) return tl::Status::NotFound("no such tile");
    return out;
  }
  void Apply(const std::vector<TileWrite>& writes) {
    for (const TileWrite& w : writes) {
      const auto key = std::make_tuple(w.level, w.index, w.old_width);
      REQUIRE(pieces_.count(key) == 0);
      pieces_[key] = w.hashes.substr(static_cast<size_t>(w.old_width) * kHashSize);
    }
  }
  int64_t StoredBytes() const {
    int64_t total = 0;
    for (const auto& [key, bytes] : pieces_) total += static_cast<int64_t>(bytes.size());
    return total;
  }

 private:
  std::map<std::tuple<int, int64_t, int64_t>, std::string> pieces_;
};

}  // namespace

TEST_CASE("a store may append each write's new hashes instead of replacing whole tiles",
          "[tlog][tiles]") {
  std::mt19937_64 rng(7);
  std::vector<Hash> leaves;
  for (int64_t i = 0; i < 70000; ++i) leaves.push_back(LeafHash(std::to_string(i)));
  const MemoryTileStore batch = StoreOf(leaves);
  AppendOnlyTileStore store;
  std::uniform_int_distribution<int64_t> chunk(1, 40);
  for (int64_t done = 0; done < static_cast<int64_t>(leaves.size());) {
    const int64_t k = std::min(static_cast<int64_t>(leaves.size()) - done, chunk(rng));
    auto writes =
        AppendLeaves(done, std::span(leaves).subspan(static_cast<size_t>(done), k), store);
    REQUIRE(writes.ok());
    store.Apply(*writes);
    done += k;
  }
  for (const auto& [key, hashes] : batch.tiles()) {
    auto read = store.ReadTile(key.first, key.second);
    REQUIRE(read.ok());
    REQUIRE(*read == hashes);
  }
  // Every hash is stored once: the same bytes as the replacing store holds.
  CHECK(store.StoredBytes() == batch.StoredBytes());
  auto proof = InclusionProof(12345, 70000, store);
  REQUIRE(proof.ok());
  CHECK(*proof == *InclusionProof(12345, 70000, batch));
}
