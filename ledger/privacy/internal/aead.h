// Internal to tl::privacy: the one AEAD construction, used by the field cipher and to wrap data
// keys in the key store, so there is a single place where nonces are made and tags checked.
//
// Sealed bytes, version 1 (field_cipher.h documents them for readers of the data):
//   offset 0       1 byte    format version, 0x01
//   offset 1       24 bytes  nonce, random (XChaCha20's 192-bit nonce: random nonces are safe
//                            for any number of messages under one key)
//   offset 25      n bytes   ciphertext of the n-byte plaintext
//   offset 25 + n  16 bytes  Poly1305 tag
// The AEAD's associated data is the version byte followed by the caller's associated data, so
// the version cannot be changed without the tag failing either.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ledger/privacy/secret_key.h"

namespace tl::privacy::internal {

inline constexpr uint8_t kSealedVersion = 1;
inline constexpr size_t kNonceBytes = 24;
inline constexpr size_t kTagBytes = 16;
inline constexpr size_t kSealedOverhead = 1 + kNonceBytes + kTagBytes;

// Appends the sealed form of `plaintext` to `*out`.
void AeadSeal(const SecretKey& key, std::span<const uint8_t> plaintext,
              std::string_view associated_data, std::string* out);

enum class OpenError { kNone, kMalformed, kUnknownVersion, kNotAuthentic };

// Writes the plaintext of `sealed` into `out`, which must be exactly
// sealed.size() - kSealedOverhead bytes (the caller checks sizes first; kMalformed otherwise).
// On any error `out` is wiped, so no unauthenticated bytes reach the caller.
OpenError AeadOpen(const SecretKey& key, std::string_view sealed, std::string_view associated_data,
                   std::span<uint8_t> out);

}  // namespace tl::privacy::internal
