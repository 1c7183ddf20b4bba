#include "tools/malloc_tuning.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace tl::tools {
namespace {

// hugetlb=1: malloc madvises its heaps MADV_HUGEPAGE, so one page fault maps 2 MiB instead of
// 4 KiB (the import of the three shipped logs: 95 k page faults -> 2 k). A trim threshold of
// 1 GiB, 64 MiB of top padding and a 32 MiB mmap threshold keep freed memory for the next
// allocation instead of unmapping it and faulting it in again. On this 2-vCPU VM, where a
// page fault is expensive, the three imports took 3.71 s -> 2.91 s, medians of four
// interleaved runs (docs/benchmarks.md, Import).
constexpr const char* kTunables =
    "glibc.malloc.hugetlb=1:glibc.malloc.trim_threshold=1073741824:"
    "glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=33554432";

bool UnderValgrind() {
  // Valgrind preloads its vgpreload_*.so into the program; an exec would leave valgrind.
  const char* preload = std::getenv("LD_PRELOAD");
  return preload != nullptr &&
         std::string_view(preload).find("vgpreload") != std::string_view::npos;
}

}  // namespace

void RerunWithMallocTuning(char** argv) {
  if (std::getenv("GLIBC_TUNABLES") != nullptr || UnderValgrind()) return;
  if (setenv("GLIBC_TUNABLES", kTunables, 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: the exec failed (no /proc, say). Run untuned rather than not at all.
  unsetenv("GLIBC_TUNABLES");
}

}  // namespace tl::tools
