#include "ledger/privacy/secret_key.h"

#include <fmt/format.h>
#include <sodium.h>

#include <cstring>

#include "ledger/privacy/internal/sodium.h"

namespace tl::privacy {

SecretKey::SecretKey() : bytes_{} {}

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

SecretKey::SecretKey(const SecretKey& other) : bytes_(other.bytes_) {}

SecretKey& SecretKey::operator=(const SecretKey& other) {
  // Copying over the old bytes overwrites them: nothing to wipe first.
  bytes_ = other.bytes_;
  return *this;
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

SecretKey SecretKey::Random() {
  internal::EnsureSodium();
  SecretKey key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  return key;
}

Result<SecretKey> SecretKey::FromBytes(std::span<const uint8_t> bytes) {
  if (bytes.size() != kKeyBytes) {
    return Status::BadField(fmt::format("a key is {} bytes, not {}", kKeyBytes, bytes.size()));
  }
  SecretKey key;
  std::memcpy(key.bytes_.data(), bytes.data(), kKeyBytes);
  return key;
}

bool operator==(const SecretKey& a, const SecretKey& b) {
  internal::EnsureSodium();
  return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), kKeyBytes) == 0;
}

}  // namespace tl::privacy
