// The Merkle tree's tiles as the store keeps them (docs/log-format.md, "Merkle tree"): each
// tile's pieces under (level, index, start) in the tree family, read back as one tile by a
// prefix scan. Private to the store. Thread-safe (reads only).
#pragma once

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

}  // namespace tl::ledger
