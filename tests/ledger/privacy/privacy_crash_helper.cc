// The process the key store's crash test kills. Creates data keys for tickets first, first+1, ...
// and after each Create returns (the key is acknowledged: synced), prints "<ticket> <digest>",
// where digest is a BLAKE2b digest of the key in hex (the key itself is never printed).
//
//   privacy_crash_helper DIR MASTER_KEY_FILE FIRST COUNT exit   after COUNT keys, _exit(0)
//                                                                without closing the store
//   privacy_crash_helper DIR MASTER_KEY_FILE FIRST COUNT kill   goes on past COUNT until killed
//
// Exit codes: 0 after "exit", 2 on a usage error, 1 when the store fails.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "ledger/privacy/key_store.h"
#include "ledger/privacy/master_key.h"
#include "tests/ledger/privacy/privacy_test_support.h"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s DIR MASTER_KEY_FILE FIRST COUNT exit|kill\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const uint64_t first = std::strtoull(argv[3], nullptr, 10);
  const uint64_t count = std::strtoull(argv[4], nullptr, 10);
  const std::string mode = argv[5];
  auto master = tl::privacy::MasterKey::Load(argv[2]);
  if (!master.ok()) {
    std::fprintf(stderr, "%s\n", master.status().ToString().c_str());
    return 1;
  }
  auto opened = tl::privacy::KeyStore::Open(dir, *master);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  // Released, never destroyed: the store is left open as a crash leaves it.
  tl::privacy::KeyStore* store = opened->release();
  for (uint64_t ticket = first;; ++ticket) {
    if (mode == "exit" && ticket == first + count) {
      std::fflush(stdout);
      ::_exit(0);  // no destructors, no DB::Close: only what Create synced is on disk
    }
    auto key = store->Create(ticket);
    if (!key.ok()) {
      std::fprintf(stderr, "%s\n", key.status().ToString().c_str());
      return 1;
    }
    const std::string digest =
        tl::privacy::testing::DigestHex(tl::privacy::testing::AsChars(key->bytes()));
    std::printf("%llu %s\n", static_cast<unsigned long long>(ticket), digest.c_str());
    std::fflush(stdout);
  }
}
