// The Merkle tree's tiles as the store keeps them (docs/log-format.md, "Merkle tree"): each
// tile's pieces under (level, index, start) in the tree family, read back as one tile by a
// prefix scan. Private to the store. Thread-safe (reads only).
#pragma once

#include <map>
#include <utility>

#include "ledger/store/rocks_store.h"
#include "ledger/tlog/tiles.h"

namespace tl::ledger {

class StoredTiles final : public tlog::TileReader {
 public:
  explicit StoredTiles(const RocksStore& store) : store_(store) {}
  // The pieces of tile (level, index) concatenated; kNotFound when the tile has none, kDataLoss
  // when the pieces do not follow each other exactly.
  Result<std::string> ReadTile(int level, int64_t index) const override;

  // Puts the new part of each write into `batch` (tlog::AppendLeaves' writes).
  static void Put(std::span<const tlog::TileWrite> writes, RocksStore::Batch& batch);

 private:
  const RocksStore& store_;
};

// The tree's right edge in memory: the partial tile of each level, which is all AppendLeaves
// reads. The writer keeps it so that growing the tree reads nothing from RocksDB (a lone
// append's tile reads were prefix scans of up to 255 pieces each: docs/benchmarks.md). A miss
// reads the stored tile once. Sequencer only, not thread-safe.
class EdgeTiles final : public tlog::TileReader {
 public:
  explicit EdgeTiles(const RocksStore& store) : stored_(store) {}
  Result<std::string> ReadTile(int level, int64_t index) const override;
  // After the batch holding `writes` was written: they are the edge now (full tiles leave it).
  void Written(std::span<const tlog::TileWrite> writes);

 private:
  StoredTiles stored_;
  mutable std::map<std::pair<int, int64_t>, std::string> edge_;
};

}  // namespace tl::ledger
