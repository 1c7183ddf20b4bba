#include "ledger/domain/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace tl::ledger {
namespace {

// OpenSSL 3 resolves EVP_sha256() through its provider machinery on every DigestInit; fetching
// the implementation once and reusing one context per thread keeps the hash on the commit path
// at the cost of the compression function itself (profiled with callgrind: the per-call
// fetch and context allocation cost more than hashing a 300-byte event).
const EVP_MD* Sha256Implementation() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct ContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Hash Sha256(std::initializer_list<std::string_view> parts) {
  thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> ctx(EVP_MD_CTX_new());
  Hash out{};
  unsigned int length = 0;
  // These calls fail only on allocation failure or a broken OpenSSL build; a wrong hash would
  // silently break the chain, so stop instead.
  const EVP_MD* md = Sha256Implementation();
  if (!md || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) std::abort();
  for (std::string_view part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) std::abort();
  }
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &length) != 1 || length != out.size()) {
    std::abort();
  }
  return out;
}

}  // namespace tl::ledger
