// ChunkMemory: memory for a large, long-lived array (a ChunkedVector's chunk), mapped on
// its own and, when it spans whole 2 MiB pages, offered to the kernel for transparent huge
// pages (madvise; the kernel's `transparent_hugepage/enabled` must be `madvise` or `always`).
//
// Why: the ticket states are the projections' largest array, and a replay touches each new
// chunk as it constructs it. With 4 KiB pages that was one page fault per 4 KiB, 9 % of the
// fold's time on a 2.14 M-event history (perf); a huge page is one fault per 2 MiB, and fewer
// TLB misses for the fold's scattered reads afterwards. Smaller sizes come from operator new.
// Throws std::bad_alloc when the memory cannot be had, as operator new does.
#pragma once

#include <cstddef>

namespace tl::projections {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

class ChunkMemory {
 public:
  explicit ChunkMemory(size_t bytes);
  ~ChunkMemory();
  ChunkMemory(const ChunkMemory&) = delete;
  ChunkMemory& operator=(const ChunkMemory&) = delete;
  ChunkMemory(ChunkMemory&& other) noexcept;  // `other` is left without memory
  ChunkMemory& operator=(ChunkMemory&&) = delete;

  void* data() const { return data_; }
  bool mapped() const { return mapped_bytes_ != 0; }  // false: from operator new

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
  size_t mapped_bytes_ = 0;
};

}  // namespace tl::projections
