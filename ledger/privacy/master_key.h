// MasterKey: the one secret an operator keeps outside the data directory (`--master-key PATH`).
//
// The file holds exactly 32 random bytes and nothing else. It must be a regular file that
// neither group nor others may read, write or execute (mode 0600 or 0400); anything else is
// refused at load, with a message that says what to fix. `LoadOrCreate` makes the file on first
// start: O_CREAT|O_EXCL with mode 0600, the bytes written and fsync'ed, then the directory
// fsync'ed, so a crash can leave no half-written key behind that a second start would take.
//
// From the 32 bytes, libsodium's crypto_kdf (BLAKE2b, context "tlprivcy") derives independent
// subkeys, so that no use of one can weaken another:
//   id 1  wrapping key: wraps the data keys in the key store (XChaCha20-Poly1305)
//   id 2  index key:    the requester index's HMAC-SHA-256 (requester_index.h)
//   id 3  check key:    the key-check value a key store records, so that opening it with another
//                       master key fails at once instead of failing every read
// The master key's own bytes are wiped as soon as the subkeys are derived; a MasterKey holds
// only the subkeys and the key-check value.
//
// Ownership: a resource, movable and not copyable, so that the subkeys exist in one place per
// load. Thread-safety: const methods may be called concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "ledger/domain/result.h"
#include "ledger/privacy/secret_key.h"

namespace tl::privacy {

class KeyStore;
class RequesterIndex;

class MasterKey {
 public:
  // Loads the key at `path`. Errors, each naming the path and never the bytes:
  //   kNotFound     no file at `path`
  //   kInvalidArgument     not a regular file, or group/others have any permission on it
  //   kDataLoss   not exactly 32 bytes long
  //   kUnavailable  any other I/O error
  static Result<MasterKey> Load(const std::string& path);

  // As Load, but when `path` does not exist, first creates it with 32 new random bytes
  // (mode 0600, fsync'ed with its directory). `*created` (if given) tells which happened, so the
  // caller can say so in its log. The directory must exist. If two processes race, one creates
  // and the other loads what it created (and may find it still short, kDataLoss: starting
  // again then finds the whole key).
  static Result<MasterKey> LoadOrCreate(const std::string& path, bool* created = nullptr);

  // A master key from bytes held elsewhere (tests, tools that read the key from a pipe).
  static MasterKey FromSecret(const SecretKey& key);

  MasterKey(MasterKey&&) noexcept = default;
  MasterKey& operator=(MasterKey&&) noexcept = default;
  MasterKey(const MasterKey&) = delete;
  MasterKey& operator=(const MasterKey&) = delete;
  ~MasterKey() = default;

  // BLAKE2b-256 of a fixed text, keyed with the check subkey. Not secret: it tells keys apart
  // but, the subkeys being independent, says nothing about the wrapping or index key.
  const std::array<uint8_t, 32>& key_check_value() const { return key_check_value_; }
  // The first 8 bytes of the key-check value in hex: safe to log, to tell operators which master
  // key a key store (or a backup of it) needs.
  std::string Fingerprint() const;

 private:
  friend class KeyStore;
  friend class RequesterIndex;
  explicit MasterKey(const SecretKey& master);

  const SecretKey& wrapping_key() const { return wrapping_key_; }
  const SecretKey& index_key() const { return index_key_; }

  SecretKey wrapping_key_;
  SecretKey index_key_;
  std::array<uint8_t, 32> key_check_value_{};
};

}  // namespace tl::privacy
