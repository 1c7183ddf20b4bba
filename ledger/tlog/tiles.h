// The stored form of the Merkle tree: tiles of height 8, as golang.org/x/mod/sumdb/tlog and
// C2SP tlog-tiles lay them out.
//
// Layout. Number the levels of the tree from the leaves (level 0, the leaf hashes) up. A tile
// at tile level L and index k holds the hashes of tree level 8·L at positions 256·k to
// 256·k + 255, concatenated (32 bytes each), left to right:
//
//   tile (0, k)  leaf hashes 256k .. 256k+255                  (a tree level-0 node each)
//   tile (1, k)  roots of the level-0 tiles 256k .. 256k+255   (a tree level-8 node each)
//   tile (2, k)  roots of the level-1 tiles 256k .. 256k+255   (a tree level-16 node each)
//
// A tile holds only hashes of complete subtrees, so that a stored hash never changes once
// written. In a tree of size n, tile level L has floor(n / 256^L) hashes; the last tile of a
// level is partial (1..255 hashes) when that number is not a multiple of 256, and grows, never
// changes, as leaves are appended. A tile level with no hash has no tile. The hashes of tree
// levels 8L+1 .. 8L+7 are not stored: they are recomputed by hashing up inside one tile (at most
// 127 node hashes for one subtree), and a hash of level 8L+8 is stored in the tile above.
//
// Why height 8: it is what Go's sumdb and C2SP tlog-tiles use (a full tile is 8 KiB; tile
// contents could be served to tlog-tiles clients as they are), a proof touches at most two
// tiles per tile level (one for the path, one on the right edge) so O(log n / 8) reads, and
// the overhead over the leaf hashes alone is 1/256 + 1/256² + … ≈ 0.4%: about
// 32 · (1 + 1/255) ≈ 32.13 bytes per leaf, whatever the size of the tree.
//
// The store decides how to key and persist tiles; this library only says what to write
// (AppendLeaves) and reads through TileReader. Two ways fit RocksDB:
//   - replace: put each TileWrite's full contents under (level, index). One key per tile, but
//     a one-event commit rewrites the partial level-0 tile (4 KiB on average) and the same key
//     is written up to 256 times: tiles are then derived data, in a family of their own;
//   - append: put only the new bytes, hashes.substr(32 · old_width), under
//     (level, index, old_width), and have ReadTile concatenate a tile's pieces in order (one
//     prefix scan). No key is ever written twice and a one-event commit writes 32 bytes per
//     level it touches, as the event log's own families do.
// Either way the tile writes go in the same atomic batch as the events and the checkpoint. The
// functions are pure apart from the reads and are as thread-safe as the TileReader they are given.
//
// Errors: kBadField for arguments outside the tree; a TileReader's error is passed on with the
// tile named in the message; kCorruption for a tile whose length is not a whole number of
// hashes, or shorter than the tree size asked for needs.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/tlog/hash.h"

namespace tl::tlog {

inline constexpr int kTileHeight = 8;
inline constexpr int64_t kTileWidth = int64_t{1} << kTileHeight;  // hashes in a full tile
inline constexpr size_t kFullTileBytes = kTileWidth * kHashSize;  // 8 KiB

// Reads stored tiles. Implemented by the store (and by MemoryTileStore for tests and tools).
class TileReader {
 public:
  virtual ~TileReader() = default;
  // The stored contents of tile (level, index): 1 to 256 concatenated 32-byte hashes, the
  // hashes the latest stored tree has there (possibly more than an older tree size needs; the
  // caller uses a prefix). A tile that is not stored is an error (kNotFound is natural), never
  // an empty string. Called O(log n / 8) times per proof; may be called concurrently if the
  // implementation allows it.
  virtual Result<std::string> ReadTile(int level, int64_t index) const = 0;
};

// One tile to store: put `hashes` under (level, index), replacing the previous contents.
struct TileWrite {
  int level = 0;
  int64_t index = 0;
  // The tile's full new contents (32 to 8192 bytes). Its first 32·old_width bytes are the
  // contents it had before; a store that appends instead of replacing can write only the rest.
  std::string hashes;
  int64_t old_width = 0;  // hashes the tile held before this write (0: a new tile)
};

// The number of hashes tile (level, index) holds in a tree of `size` (0 when it has none).
int64_t TileWidthAt(int level, int64_t index, int64_t size);

// The tiles to write so that the stored tiles, which describe the tree of `old_size`, describe
// the tree of old_size + leaf_hashes.size() whose leaves old_size, old_size+1, … have these
// hashes (LeafHash of each entry, in order). Reads only the partial tiles that grow: at most one
// per tile level. Hashes O(k + log n): each new hash is hashed into its tile's root once.
// Writes are ordered by level then index; none overlap. Works for one leaf or a bulk import of
// millions in one call (memory then is about 2 · 32 bytes per leaf).
//
// The returned writes and the new checkpoint must be stored atomically with the entries: a
// later AppendLeaves checks that the partial tiles it reads hold exactly old_size's hashes and
// reports kCorruption otherwise. Nothing is written by this function.
Result<std::vector<TileWrite>> AppendLeaves(int64_t old_size, std::span<const Hash> leaf_hashes,
                                            const TileReader& existing);

// MTH of the tree of `size` (EmptyRootHash() for 0), from the tiles. Reads at most two tiles per
// tile level.
Result<Hash> TreeRoot(int64_t size, const TileReader& tiles);

// RFC 9162 inclusion proof of leaf `index` in the tree of `size` (deepest hash first), from the
// tiles. kBadField unless 0 <= index < size.
Result<std::vector<Hash>> InclusionProof(int64_t index, int64_t size, const TileReader& tiles);

// RFC 9162 consistency proof from the tree of `old_size` to the tree of `new_size` (deepest
// hash first; empty when the sizes are equal), from the tiles. kBadField unless
// 1 <= old_size <= new_size.
Result<std::vector<Hash>> ConsistencyProof(int64_t old_size, int64_t new_size,
                                           const TileReader& tiles);

// Tiles in memory, keyed by (level, index): the TileReader of the tests, the tools and the
// benchmark. A value type like std::map: concurrent const calls are safe, a call to Apply
// is not safe alongside any other call.
class MemoryTileStore final : public TileReader {
 public:
  Result<std::string> ReadTile(int level, int64_t index) const override;
  // Stores each write's contents, replacing the tile's previous contents.
  void Apply(std::span<const TileWrite> writes);

  size_t TileCount() const { return tiles_.size(); }
  // Bytes of tile contents stored (keys not counted).
  int64_t StoredBytes() const { return stored_bytes_; }
  const std::map<std::pair<int, int64_t>, std::string>& tiles() const { return tiles_; }

 private:
  std::map<std::pair<int, int64_t>, std::string> tiles_;
  int64_t stored_bytes_ = 0;
};

// A TileReader that sees `writes` (not yet stored) over `base`: lets a writer compute the new
// root, TreeRoot(new_size, TileOverlay(writes, store)), before it commits the writes and the
// checkpoint in one batch. Borrows both; they must outlive the overlay.
class TileOverlay final : public TileReader {
 public:
  TileOverlay(std::span<const TileWrite> writes, const TileReader& base)
      : writes_(writes), base_(base) {}
  Result<std::string> ReadTile(int level, int64_t index) const override;

 private:
  std::span<const TileWrite> writes_;
  const TileReader& base_;
};

}  // namespace tl::tlog
