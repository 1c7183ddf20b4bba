#include "mail/internal/gmime_support.h"

#include <mutex>

namespace tl::mail::internal {

void EnsureGMimeInitialized() {
  // g_mime_init() counts its callers without a lock, so two threads must never call it at once.
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

}  // namespace tl::mail::internal
