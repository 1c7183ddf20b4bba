// Internal to tl::privacy: libsodium's one-time initialisation.
#pragma once

namespace tl::privacy::internal {

// Initialises libsodium once per process (sodium_init is thread-safe and idempotent). Every
// entry point that calls libsodium calls this first. Aborts if libsodium cannot initialise
// (no usable random source): no key could be made or checked safely then, and carrying on would
// be worse than stopping.
void EnsureSodium();

}  // namespace tl::privacy::internal
