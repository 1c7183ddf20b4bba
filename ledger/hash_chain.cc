#include "ledger/hash_chain.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace tl::ledger {

Hash Sha256(std::initializer_list<std::string_view> parts) {
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx(EVP_MD_CTX_new());
  Hash out{};
  unsigned int length = 0;
  // These calls fail only on allocation failure or a broken OpenSSL build; a wrong hash would
  // silently break the chain, so stop instead.
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) std::abort();
  for (std::string_view part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) std::abort();
  }
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &length) != 1 || length != out.size()) {
    std::abort();
  }
  return out;
}

}  // namespace tl::ledger
