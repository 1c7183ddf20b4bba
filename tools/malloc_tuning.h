// Re-runs the process once with glibc's malloc tuned for a program that builds large in-memory
// structures (imports, replays): heaps on transparent huge pages, and memory kept instead of
// returned to the kernel and faulted in again. glibc takes these settings only from the
// GLIBC_TUNABLES environment variable at start-up, so the only way to apply them to the
// program itself is to exec it again with the variable set (docs/operations.md).
#pragma once

namespace tl::tools {

// Execs /proc/self/exe with `argv` and the tunables, unless GLIBC_TUNABLES is already set
// (the user's own choice, or this is the re-run) or the process runs under valgrind. Returns
// only if it did not exec.
void RerunWithMallocTuning(char** argv);

}  // namespace tl::tools
