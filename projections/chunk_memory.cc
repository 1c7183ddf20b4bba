#include "projections/chunk_memory.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>
#include <utility>

namespace tl::projections {

namespace {

// Maps `bytes` (a multiple of kHugePageBytes) at an address aligned to kHugePageBytes: a huge
// page can only back an aligned 2 MiB range. Over-maps by one page and unmaps the ragged ends.
void* MapAligned(size_t bytes) {
  const size_t span = bytes + kHugePageBytes;
  void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugePageBytes - 1) & ~(uintptr_t{kHugePageBytes} - 1);
  if (aligned > start) munmap(raw, aligned - start);
  const uintptr_t end = start + span, used_end = aligned + bytes;
  if (end > used_end) munmap(reinterpret_cast<void*>(used_end), end - used_end);
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, bytes, MADV_HUGEPAGE);  // advice: without THP the pages are simply 4 KiB
  return p;
}

}  // namespace

ChunkMemory::ChunkMemory(size_t bytes) : bytes_(bytes) {
  // Below half a huge page the rounding would waste more than it saves.
  if (bytes >= kHugePageBytes / 2) {
    const size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
    data_ = MapAligned(rounded);
    if (data_) {
      mapped_bytes_ = rounded;
      return;
    }
  }
  data_ = ::operator new(bytes);
}

ChunkMemory::~ChunkMemory() {
  if (!data_) return;
  if (mapped_bytes_) {
    munmap(data_, mapped_bytes_);
  } else {
    ::operator delete(data_);
  }
}

ChunkMemory::ChunkMemory(ChunkMemory&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)),
      mapped_bytes_(std::exchange(other.mapped_bytes_, 0)) {}

}  // namespace tl::projections
