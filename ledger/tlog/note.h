// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys in the text formats of
// golang.org/x/mod/sumdb/note, so that Go's note.Open and note.NewVerifier accept what we sign.
//
//   verifier key  <name>+<key id: 8 hex digits>+<base64(0x01 ‖ 32-byte Ed25519 public key)>
//   signer key    PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ 32-byte Ed25519 seed)>
//   key id        the first 4 bytes, big-endian, of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)
//
//   signed note   <text, ending in "\n"> "\n" then one line per signature:
//                 "— " <key name> " " base64(key id (4 bytes, big-endian) ‖ signature (64))
//                 where "—" is U+2014 EM DASH and the signature covers the text only (with its
//                 final newline, without the blank line).
//
// Ed25519 (RFC 8032) and the random seed come from OpenSSL 3's libcrypto.
//
// Errors: kBadField for a malformed key, name or note; kCorruption for a signature by a known key
// that does not verify, or a note that no known key has signed.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/domain/status.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace tl::tlog {

// A signed note with more signature lines than this is rejected as malformed before any is
// verified (the spec asks verifiers for a limit; Go's note.Open uses 100).
inline constexpr int kMaxNoteSignatures = 100;

// The signature type byte of Ed25519 in keys and key ids.
inline constexpr uint8_t kAlgEd25519 = 0x01;

// A key name: non-empty UTF-8 without Unicode spaces and without '+'.
bool IsValidKeyName(std::string_view name);

// The key id of an Ed25519 key: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public_key)[:4], big-endian.
uint32_t Ed25519KeyId(std::string_view name, std::span<const uint8_t, 32> public_key);

// A public key that checks signatures: a value, cheap to copy, immutable, thread-safe.
class NoteVerifier {
 public:
  // Parses the verifier key text. kBadField when malformed, for another algorithm than
  // Ed25519, or when the key id does not match the name and key.
  static Result<NoteVerifier> Parse(std::string_view verifier_key);
  // kBadField for an invalid name.
  static Result<NoteVerifier> FromPublicKey(std::string_view name,
                                            std::span<const uint8_t, 32> public_key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const std::array<uint8_t, 32>& public_key() const { return public_key_; }
  // The verifier key text (the form Parse reads).
  std::string VerifierKey() const;
  // Whether `signature` (64 bytes) is this key's Ed25519 signature of `message`.
  bool Verify(std::string_view message, std::string_view signature) const;

 private:
  NoteVerifier() = default;
  std::string name_;
  uint32_t key_id_ = 0;
  std::array<uint8_t, 32> public_key_{};
};

// A private key that signs. A resource: move-only, owns its OpenSSL key (which wipes the secret
// when freed). Sign may be called from several threads at once.
class NoteSigner {
 public:
  // Parses the signer key text. kBadField when malformed or when the key id does not match the
  // name and the public key derived from the seed.
  static Result<NoteSigner> Parse(std::string_view signer_key);

  NoteSigner(NoteSigner&&) noexcept;
  NoteSigner& operator=(NoteSigner&&) noexcept;
  ~NoteSigner();

  const std::string& name() const { return verifier_.name(); }
  uint32_t key_id() const { return verifier_.key_id(); }
  // The matching public key.
  const NoteVerifier& verifier() const { return verifier_; }
  // The 64-byte Ed25519 signature of `message`. kInternal if OpenSSL fails.
  Result<std::string> Sign(std::string_view message) const;

 private:
  struct KeyDeleter {
    void operator()(evp_pkey_st* key) const;
  };
  NoteSigner(std::unique_ptr<evp_pkey_st, KeyDeleter> key, NoteVerifier verifier);

  std::unique_ptr<evp_pkey_st, KeyDeleter> key_;
  NoteVerifier verifier_;
};

// A new key pair from OpenSSL's CSPRNG, as text. The signer key is a secret: store it as one.
struct GeneratedKey {
  std::string signer_key;
  std::string verifier_key;
};
Result<GeneratedKey> GenerateKey(std::string_view name);

// One signature line of a note.
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string base64;  // base64(key id ‖ signature), as on the line
};

// An opened note: its text and the signatures, verified (by a known key) or not (unknown key).
struct Note {
  std::string text;
  std::vector<NoteSignature> verified;
  std::vector<NoteSignature> unverified;
};

// Signs `text` with `signer` and returns the signed note. `text` must be valid note text: UTF-8,
// no control characters but newline, ending in a newline. kBadField otherwise.
Result<std::string> SignNote(std::string_view text, const NoteSigner& signer);

// Opens a signed note as c2sp.org/signed-note says: the whole message must be UTF-8 without
// control characters but newline; the signatures follow the last blank line, one per line;
// at most kMaxNoteSignatures lines. A signature whose (name, key id) matches a known verifier
// must verify, or the whole note is rejected (kCorruption); signatures by unknown keys are
// listed as unverified; a repeated signature line is listed once. At least one signature by a
// known key must verify (kCorruption otherwise).
Result<Note> OpenNote(std::string_view message, std::span<const NoteVerifier> known);

}  // namespace tl::tlog
