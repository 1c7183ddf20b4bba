#include "ledger/privacy/internal/sodium.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace tl::privacy::internal {

void EnsureSodium() {
  // A function-local static: initialised once, thread-safely (C++11 magic statics).
  static const bool initialised = [] {
    if (sodium_init() < 0) {
      std::fputs("tl::privacy: libsodium failed to initialise\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)initialised;
}

}  // namespace tl::privacy::internal
