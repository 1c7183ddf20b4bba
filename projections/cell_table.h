// CellTable: the cells of one period size (days or months) of a PeriodCells, keyed by
// (period, group) in one open-addressing hash table, with each period's groups listed in order
// for visits and checkpoints.
//
// Why not std::map<period, std::unordered_map<GroupKey, Cell>>: every ticket event updates a day
// and a month cell in five models, and each update walked the period tree and then a node-based
// hash map (a division, a bucket, a node: dependent cache misses). That was about a sixth of the
// fold (perf, `bench replay`). Here an update hashes the packed key once and mostly touches one
// 8-byte slot and the cell's entry; the per-period group lists change only when a cell is
// created or erased, which is rare next to updates.
//
// Cells live in a dense vector (erasing moves the last one into the hole), so references to a
// cell are valid only until the next call that creates or erases one. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "projections/read_model.h"

namespace tl::projections {

template <class Cell>
class CellTable {
 public:
  CellTable() : slots_(kMinSlots) {}

  // Calls modify(cell) on the cell of (period, group), created empty first if absent, and erases
  // the cell if it is empty afterwards (so equal histories give equal tables).
  template <class Edit>
  void Modify(int64_t period, const GroupKey& group, Edit&& modify) {
    const Key key{period, group};
    const uint64_t hash = HashOf(key);
    size_t slot = FindSlot(key, hash);
    if (slots_[slot].entry == kFree) slot = Create(key, hash);
    Cell& cell = entries_[slots_[slot].entry - 1].cell;
    modify(cell);
    if (cell.empty()) Erase(slot);
  }

  // Adds a cell that must not exist yet; false (and nothing changed) if it does.
  bool Insert(int64_t period, const GroupKey& group, Cell cell) {
    const Key key{period, group};
    const uint64_t hash = HashOf(key);
    size_t slot = FindSlot(key, hash);
    if (slots_[slot].entry != kFree) return false;
    slot = Create(key, hash);
    entries_[slots_[slot].entry - 1].cell = std::move(cell);
    return true;
  }

  const Cell* Find(int64_t period, const GroupKey& group) const {
    const Key key{period, group};
    const Slot& slot = slots_[FindSlot(key, HashOf(key))];
    return slot.entry == kFree ? nullptr : &entries_[slot.entry - 1].cell;
  }

  // Calls on_cell(period, group, cell) for the cells of the periods in [first, end), in order of
  // period, then group.
  template <class OnCell>
  void VisitRange(int64_t first, int64_t end, OnCell&& on_cell) const {
    for (auto it = groups_.lower_bound(first); it != groups_.end() && it->first < end; ++it) {
      for (const GroupKey& group : it->second) on_cell(it->first, group, *Find(it->first, group));
    }
  }

  template <class OnCell>
  void ForEach(OnCell&& on_cell) const {
    for (const auto& [period, groups] : groups_) {
      for (const GroupKey& group : groups) on_cell(period, group, *Find(period, group));
    }
  }

  size_t size() const { return entries_.size(); }

 private:
  struct Key {
    int64_t period;
    GroupKey group;
    bool operator==(const Key&) const = default;
  };
  struct Entry {
    Key key;
    Cell cell;
  };
  // `entry` is the entry's index + 1 (kFree: an empty slot); `hash` the key's hash's low 32
  // bits, compared before the entry is read and giving the slot's home without rehashing.
  struct Slot {
    uint32_t hash = 0;
    uint32_t entry = kFree;
  };
  static constexpr uint32_t kFree = 0;
  static constexpr size_t kMinSlots = 16;

  static uint64_t HashOf(const Key& key) {
    // splitmix64's finaliser over the packed fields: every input bit reaches the low bits.
    uint64_t h =
        (uint64_t{key.group.service} << 32 | key.group.queue) ^
        (static_cast<uint64_t>(key.period) << 8 | static_cast<uint8_t>(key.group.category)) *
            0x9E3779B97F4A7C15ULL;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
    return h ^ (h >> 31);
  }

  size_t Mask() const { return slots_.size() - 1; }

  // The slot holding `key`, or the free slot where it would go (there always is one).
  size_t FindSlot(const Key& key, uint64_t hash) const {
    const auto tag = static_cast<uint32_t>(hash);
    for (size_t i = tag & Mask();; i = (i + 1) & Mask()) {
      const Slot& slot = slots_[i];
      if (slot.entry == kFree) return i;
      if (slot.hash == tag && entries_[slot.entry - 1].key == key) return i;
    }
  }

  // Adds an empty cell for `key` (absent) and returns its slot.
  size_t Create(const Key& key, uint64_t hash) {
    // At most half the slots are used, which keeps probe runs short.
    if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
    const size_t slot = FindSlot(key, hash);
    entries_.push_back(Entry{key, Cell{}});
    slots_[slot] = Slot{static_cast<uint32_t>(hash), static_cast<uint32_t>(entries_.size())};
    std::vector<GroupKey>& groups = groups_[key.period];
    groups.insert(std::upper_bound(groups.begin(), groups.end(), key.group), key.group);
    return slot;
  }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    for (const Slot& slot : old) {
      if (slot.entry == kFree) continue;
      size_t i = slot.hash & Mask();
      while (slots_[i].entry != kFree) i = (i + 1) & Mask();
      slots_[i] = slot;
    }
  }

  void Erase(size_t slot) {
    const uint32_t index = slots_[slot].entry - 1;
    const Key key = entries_[index].key;
    auto groups = groups_.find(key.period);
    groups->second.erase(std::lower_bound(groups->second.begin(), groups->second.end(), key.group));
    if (groups->second.empty()) groups_.erase(groups);

    // The last entry moves into the hole; its slot follows it.
    const auto last = static_cast<uint32_t>(entries_.size() - 1);
    if (index != last) {
      const uint64_t last_hash = HashOf(entries_[last].key);
      size_t i = static_cast<uint32_t>(last_hash) & Mask();
      while (slots_[i].entry != last + 1) i = (i + 1) & Mask();
      slots_[i].entry = index + 1;
      entries_[index] = std::move(entries_[last]);
    }
    entries_.pop_back();

    // Backward-shift deletion: later slots of the probe run move up into the gap unless that
    // would put them before their home, so no lookup ever stops early at the gap.
    size_t gap = slot;
    for (size_t i = (gap + 1) & Mask(); slots_[i].entry != kFree; i = (i + 1) & Mask()) {
      const size_t home = slots_[i].hash & Mask();
      if (((i - home) & Mask()) >= ((i - gap) & Mask())) {
        slots_[gap] = slots_[i];
        gap = i;
      }
    }
    slots_[gap] = Slot{};
  }

  std::vector<Slot> slots_;                          // a power of two in size
  std::vector<Entry> entries_;                       // the cells, dense
  std::map<int64_t, std::vector<GroupKey>> groups_;  // per period, its cells' groups, sorted
};

}  // namespace tl::projections
