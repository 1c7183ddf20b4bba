// Asking the CPU to start loading memory the fold will read a few events later. The fold's
// time is mostly cache misses: on the ticket states, scattered over hundreds of megabytes, and
// on the decoded events themselves, which the reader thread wrote on the other core.
#pragma once

#include <cstddef>

namespace tl::projections {

inline void PrefetchBytes(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  for (size_t offset = 0; offset < size; offset += 64) __builtin_prefetch(p + offset);
}

}  // namespace tl::projections
