#include "ledger/privacy/internal/aead.h"

#include <sodium.h>

#include "ledger/privacy/internal/sodium.h"

namespace tl::privacy::internal {
namespace {

static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == kNonceBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kTagBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyBytes);

std::string FullAssociatedData(uint8_t version, std::string_view associated_data) {
  std::string ad;
  ad.reserve(1 + associated_data.size());
  ad.push_back(static_cast<char>(version));
  ad.append(associated_data);
  return ad;
}

const unsigned char* U(const char* p) { return reinterpret_cast<const unsigned char*>(p); }

}  // namespace

void AeadSeal(const SecretKey& key, std::span<const uint8_t> plaintext,
              std::string_view associated_data, std::string* out) {
  EnsureSodium();
  const std::string ad = FullAssociatedData(kSealedVersion, associated_data);
  const size_t start = out->size();
  out->resize(start + kSealedOverhead + plaintext.size());
  auto* p = reinterpret_cast<unsigned char*>(out->data() + start);
  p[0] = kSealedVersion;
  unsigned char* nonce = p + 1;
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long sealed_len = 0;
  // Cannot fail: it fails only for messages over 256 GiB.
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &sealed_len, plaintext.data(),
                                             plaintext.size(), U(ad.data()), ad.size(), nullptr,
                                             nonce, key.bytes().data());
}

OpenError AeadOpen(const SecretKey& key, std::string_view sealed, std::string_view associated_data,
                   std::span<uint8_t> out) {
  EnsureSodium();
  if (sealed.size() < kSealedOverhead || out.size() != sealed.size() - kSealedOverhead) {
    sodium_memzero(out.data(), out.size());
    return OpenError::kMalformed;
  }
  const auto version = static_cast<uint8_t>(sealed[0]);
  if (version != kSealedVersion) {
    sodium_memzero(out.data(), out.size());
    return OpenError::kUnknownVersion;
  }
  const std::string ad = FullAssociatedData(version, associated_data);
  const unsigned char* nonce = U(sealed.data() + 1);
  const unsigned char* ciphertext = nonce + kNonceBytes;
  unsigned long long plain_len = 0;
  // libsodium checks the tag before it writes any plaintext, and writes none on failure.
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &plain_len, nullptr, ciphertext,
                                                 sealed.size() - 1 - kNonceBytes, U(ad.data()),
                                                 ad.size(), nonce, key.bytes().data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return OpenError::kNotAuthentic;
  }
  return OpenError::kNone;
}

}  // namespace tl::privacy::internal
