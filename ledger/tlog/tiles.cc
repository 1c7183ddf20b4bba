#include "ledger/tlog/tiles.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>

#include "ledger/tlog/merkle.h"

namespace tl::tlog {
namespace {

// Names the tile in a TileReader's error. (Status::WithContext is defined in ledger/status.cc,
// which this library does not link.) The codes a store returns keep their code; any other
// passes through unchanged.
Status AddContext(const Status& s, std::string_view context) {
  std::string message = fmt::format("{}: {}", context, s.message());
  switch (s.code()) {
    case StatusCode::kNotFound:
      return Status::NotFound(std::move(message));
    case StatusCode::kDataLoss:
      return Status::DataLoss(std::move(message));
    case StatusCode::kUnavailable:
      return Status::Unavailable(std::move(message));
    case StatusCode::kInternal:
      return Status::Internal(std::move(message));
    default:
      return s;
  }
}

Hash HashAt(std::string_view tile, int64_t i) {
  Hash h;
  std::copy_n(tile.data() + i * static_cast<int64_t>(kHashSize), kHashSize, h.begin());
  return h;
}

// The root of the complete subtree whose `count` (a power of two) bottom hashes start at
// position `first` of `tile`: count - 1 node hashes.
Hash HashUp(std::string_view tile, int64_t first, int64_t count) {
  Hash level[kTileWidth];
  for (int64_t i = 0; i < count; ++i) level[i] = HashAt(tile, first + i);
  for (int64_t width = count; width > 1; width /= 2) {
    for (int64_t i = 0; i < width / 2; ++i) level[i] = NodeHash(level[2 * i], level[2 * i + 1]);
  }
  return level[0];
}

// Reads the hashes of the tree of `size` from tiles, each tile at most once per instance.
// One instance serves one proof or root computation (a handful of tiles), so the cache is a
// small vector searched linearly.
class TreeView {
 public:
  TreeView(const TileReader& reader, int64_t size) : reader_(reader), size_(size) {}

  // The hash of the complete subtree of `height` whose leaves are [i·2^height, (i+1)·2^height).
  Result<Hash> Subtree(int height, int64_t i) {
    const int level = height / kTileHeight;
    const int within = height % kTileHeight;
    const int64_t first = i << within;  // position at tree level 8·level
    const int64_t count = int64_t{1} << within;
    const int64_t index = first / kTileWidth;
    const int64_t offset = first % kTileWidth;
    TL_ASSIGN_OR_RETURN(const std::string* tile, Tile(level, index, offset + count));
    return HashUp(*tile, offset, count);
  }

  // MTH(D[lo:hi]) for 0 <= lo < hi <= size: the complete subtrees that make up [lo, hi), left
  // to right with decreasing sizes, combined from the right as RFC 9162's recursion does.
  Result<Hash> Range(int64_t lo, int64_t hi) {
    assert(0 <= lo && lo < hi && hi <= size_);
    Hash parts[64];
    int count = 0;
    while (lo < hi) {
      int height = std::bit_width(static_cast<uint64_t>(hi - lo)) - 1;
      while ((lo & ((int64_t{1} << height) - 1)) != 0) --height;  // only for unaligned ranges
      TL_ASSIGN_OR_RETURN(parts[count], Subtree(height, lo >> height));
      ++count;
      lo += int64_t{1} << height;
    }
    Hash h = parts[count - 1];
    for (int i = count - 2; i >= 0; --i) h = NodeHash(parts[i], h);
    return h;
  }

 private:
  struct Cached {
    int level;
    int64_t index;
    std::string hashes;
  };

  Result<const std::string*> Tile(int level, int64_t index, int64_t need) {
    for (const Cached& c : cache_) {
      if (c.level == level && c.index == index) return Check(c, need);
    }
    Result<std::string> read = reader_.ReadTile(level, index);
    if (!read.ok()) {
      return AddContext(read.status(), fmt::format("reading tile ({}, {})", level, index));
    }
    cache_.push_back(Cached{level, index, std::move(read).value()});
    return Check(cache_.back(), need);
  }

  Result<const std::string*> Check(const Cached& c, int64_t need) const {
    if (c.hashes.empty() || c.hashes.size() % kHashSize != 0 || c.hashes.size() > kFullTileBytes) {
      return Status::DataLoss(fmt::format("tile ({}, {}) has {} bytes, not 1 to 256 hashes",
                                          c.level, c.index, c.hashes.size()));
    }
    const auto width = static_cast<int64_t>(c.hashes.size() / kHashSize);
    if (width < need) {
      return Status::DataLoss(
          fmt::format("tile ({}, {}) holds {} hashes; the tree of size {} needs {}", c.level,
                      c.index, width, size_, need));
    }
    return &c.hashes;
  }

  const TileReader& reader_;
  const int64_t size_;
  std::vector<Cached> cache_;
};

}  // namespace

int64_t TileWidthAt(int level, int64_t index, int64_t size) {
  const int64_t count = level * kTileHeight >= 63 ? 0 : size >> (level * kTileHeight);
  return std::clamp<int64_t>(count - index * kTileWidth, 0, kTileWidth);
}

Result<std::vector<TileWrite>> AppendLeaves(int64_t old_size, std::span<const Hash> leaf_hashes,
                                            const TileReader& existing) {
  if (old_size < 0) return Status::BadField(fmt::format("tree size {} is negative", old_size));
  if (static_cast<uint64_t>(old_size) + leaf_hashes.size() > (uint64_t{1} << 62)) {
    return Status::BadField("a tree of more than 2^62 leaves is not supported");
  }
  std::vector<TileWrite> writes;
  // `fresh` holds the hashes new at tree level 8·level, starting at position old_count.
  std::vector<Hash> fresh(leaf_hashes.begin(), leaf_hashes.end());
  int64_t old_count = old_size;
  for (int level = 0; !fresh.empty(); ++level) {
    const int64_t new_count = old_count + static_cast<int64_t>(fresh.size());
    const int64_t first_tile = old_count / kTileWidth;
    const int64_t last_tile = (new_count - 1) / kTileWidth;
    const int64_t old_width = old_count % kTileWidth;
    std::string contents;
    if (old_width > 0) {
      Result<std::string> read = existing.ReadTile(level, first_tile);
      if (!read.ok()) {
        return AddContext(read.status(),
                          fmt::format("reading partial tile ({}, {})", level, first_tile));
      }
      contents = std::move(read).value();
      if (contents.size() != static_cast<size_t>(old_width) * kHashSize) {
        return Status::DataLoss(
            fmt::format("tile ({}, {}) has {} bytes; the tree of size {} has {} hashes there",
                        level, first_tile, contents.size(), old_size, old_width));
      }
    }
    std::vector<Hash> next;  // roots of tiles completed now: new hashes at level 8·(level+1)
    size_t used = 0;
    for (int64_t t = first_tile; t <= last_tile; ++t) {
      const int64_t begin = t == first_tile ? old_width : 0;
      const int64_t end = std::min(kTileWidth, new_count - t * kTileWidth);
      contents.reserve(static_cast<size_t>(end) * kHashSize);
      for (int64_t i = begin; i < end; ++i) contents.append(HashBytes(fresh[used++]));
      if (end == kTileWidth) next.push_back(HashUp(contents, 0, kTileWidth));
      writes.push_back(TileWrite{level, t, std::move(contents), begin});
      contents = std::string();
    }
    assert(used == fresh.size());
    fresh = std::move(next);
    old_count /= kTileWidth;  // the completed tiles' roots start at position first_tile
  }
  return writes;
}

Result<Hash> TreeRoot(int64_t size, const TileReader& tiles) {
  if (size < 0) return Status::BadField(fmt::format("tree size {} is negative", size));
  if (size == 0) return EmptyRootHash();
  TreeView view(tiles, size);
  return view.Range(0, size);
}

Result<std::vector<Hash>> InclusionProof(int64_t index, int64_t size, const TileReader& tiles) {
  if (index < 0 || index >= size) {
    return Status::BadField(
        fmt::format("leaf index {} is outside the tree of size {}", index, size));
  }
  // RFC 9162 §2.1.3.1's recursion, unrolled from the root down; reversed at the end because the
  // proof lists the deepest sibling first.
  TreeView view(tiles, size);
  std::vector<Hash> proof;
  int64_t lo = 0;
  int64_t hi = size;
  while (hi - lo > 1) {
    const int64_t k = SplitPoint(hi - lo);
    if (index < lo + k) {
      TL_ASSIGN_OR_RETURN(Hash sibling, view.Range(lo + k, hi));
      proof.push_back(sibling);
      hi = lo + k;
    } else {
      TL_ASSIGN_OR_RETURN(Hash sibling, view.Range(lo, lo + k));
      proof.push_back(sibling);
      lo += k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(int64_t old_size, int64_t new_size,
                                           const TileReader& tiles) {
  if (old_size < 1 || old_size > new_size) {
    return Status::BadField(
        fmt::format("no consistency proof from size {} to size {}", old_size, new_size));
  }
  // RFC 9162 §2.1.4.1's SUBPROOF(m, D[lo:hi], complete), unrolled from the root down.
  TreeView view(tiles, new_size);
  std::vector<Hash> proof;
  int64_t m = old_size;
  int64_t lo = 0;
  int64_t hi = new_size;
  bool complete = true;  // [lo, lo+m) is still the whole old tree
  while (m != hi - lo) {
    const int64_t k = SplitPoint(hi - lo);
    if (m <= k) {
      TL_ASSIGN_OR_RETURN(Hash right, view.Range(lo + k, hi));
      proof.push_back(right);
      hi = lo + k;
    } else {
      TL_ASSIGN_OR_RETURN(Hash left, view.Range(lo, lo + k));
      proof.push_back(left);
      m -= k;
      lo += k;
      complete = false;
    }
  }
  // Common ground: [lo, hi) is in both trees. Its hash is needed unless it is the old root,
  // which the verifier already has.
  if (!complete) {
    TL_ASSIGN_OR_RETURN(Hash common, view.Range(lo, hi));
    proof.push_back(common);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::string> MemoryTileStore::ReadTile(int level, int64_t index) const {
  auto it = tiles_.find({level, index});
  if (it == tiles_.end()) {
    return Status::NotFound(fmt::format("no tile ({}, {}) is stored", level, index));
  }
  return it->second;
}

void MemoryTileStore::Apply(std::span<const TileWrite> writes) {
  for (const TileWrite& w : writes) {
    std::string& slot = tiles_[{w.level, w.index}];
    stored_bytes_ += static_cast<int64_t>(w.hashes.size()) - static_cast<int64_t>(slot.size());
    slot = w.hashes;
  }
}

Result<std::string> TileOverlay::ReadTile(int level, int64_t index) const {
  for (auto it = writes_.rbegin(); it != writes_.rend(); ++it) {
    if (it->level == level && it->index == index) return it->hashes;
  }
  return base_.ReadTile(level, index);
}

}  // namespace tl::tlog
