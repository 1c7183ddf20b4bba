#include "ledger/store/stored_tiles.h"

#include <fmt/format.h>

#include "ledger/store/log_keys.h"

namespace tl::ledger {

Result<std::string> StoredTiles::ReadTile(int level, int64_t index) const {
  const std::string prefix = keys::TilePrefix(level, index);
  std::string tile;
  Status problem;
  TL_RETURN_IF_ERROR(
      store_.Scan(Family::kTree, prefix, keys::TileKey(level, index, 0xFFFF),
                  [&](std::string_view key, std::string_view value) {
                    auto start = keys::ParseTileKeyStart(key);
                    const auto width = static_cast<int64_t>(tile.size() / tlog::kHashSize);
                    if (!start.ok() || *start != width || value.empty() ||
                        value.size() % tlog::kHashSize != 0 ||
                        tile.size() + value.size() > tlog::kFullTileBytes) {
                      problem = Status::DataLoss(fmt::format(
                          "tree tile ({}, {}): a piece does not continue the tile at hash {}",
                          level, index, width));
                      return false;
                    }
                    tile.append(value);
                    return true;
                  }));
  TL_RETURN_IF_ERROR(problem);
  if (tile.empty()) {
    return Status::NotFound(fmt::format("tree tile ({}, {}) is not stored", level, index));
  }
  return tile;
}

void StoredTiles::Put(std::span<const tlog::TileWrite> writes, RocksStore::Batch& batch) {
  for (const tlog::TileWrite& write : writes) {
    const size_t kept = static_cast<size_t>(write.old_width) * tlog::kHashSize;
    batch.Put(Family::kTree, keys::TileKey(write.level, write.index, write.old_width),
              std::string_view(write.hashes).substr(kept));
  }
}

Result<std::string> EdgeTiles::ReadTile(int level, int64_t index) const {
  if (auto it = edge_.find({level, index}); it != edge_.end()) return it->second;
  TL_ASSIGN_OR_RETURN(std::string tile, stored_.ReadTile(level, index));
  if (tile.size() < tlog::kFullTileBytes) edge_[{level, index}] = tile;
  return tile;
}

void EdgeTiles::Written(std::span<const tlog::TileWrite> writes) {
  for (const tlog::TileWrite& write : writes) {
    if (write.hashes.size() >= tlog::kFullTileBytes) {
      edge_.erase({write.level, write.index});
    } else {
      edge_[{write.level, write.index}] = write.hashes;
    }
  }
}

}  // namespace tl::ledger
