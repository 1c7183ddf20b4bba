// SecretKey: 32 bytes of key material that are wiped (sodium_memzero) whenever a copy dies.
//
// A value type: it copies and moves freely, and every copy wipes its own bytes when destroyed or
// overwritten; a moved-from key is all zeros. It has no operator<< and no ToString on purpose,
// so that a key cannot be logged by accident (Catch2 prints it as "{?}"). Equality runs in
// constant time. The bytes live inside the object (no heap), so a key held by value never leaves
// copies behind in freed heap memory. Thread-compatible.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "ledger/domain/result.h"

namespace tl::privacy {

inline constexpr size_t kKeyBytes = 32;

class SecretKey {
 public:
  SecretKey();  // all zeros
  ~SecretKey();
  SecretKey(const SecretKey& other);
  SecretKey& operator=(const SecretKey& other);
  SecretKey(SecretKey&& other) noexcept;  // leaves `other` all zeros
  SecretKey& operator=(SecretKey&& other) noexcept;

  // 32 bytes from the operating system's CSPRNG (libsodium randombytes_buf).
  static SecretKey Random();
  // The key whose bytes are `bytes`; kInvalidArgument unless there are exactly 32 of them. The
  // message gives the size, never the bytes.
  static Result<SecretKey> FromBytes(std::span<const uint8_t> bytes);

  std::span<const uint8_t, kKeyBytes> bytes() const { return bytes_; }
  // For the code that fills a key in place (reading a file, deriving, unwrapping).
  std::span<uint8_t, kKeyBytes> mutable_bytes() { return bytes_; }

  // Constant time (sodium_memcmp), so a comparison does not leak where two keys differ.
  friend bool operator==(const SecretKey& a, const SecretKey& b);

 private:
  std::array<uint8_t, kKeyBytes> bytes_;
};

// A ticket's data key: the key its personal fields are sealed under (field_cipher.h). The key
// store (key_store.h) keeps it wrapped under the master key; destroying it erases the fields.
using DataKey = SecretKey;

}  // namespace tl::privacy
