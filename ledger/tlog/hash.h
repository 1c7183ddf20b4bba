// Hashes and their text forms for the transparency log (RFC 9162 §2.1, C2SP signed-note).
//
// SHA-256 is the domain's (ledger/domain/sha256.h, OpenSSL); nothing here hashes by hand. Every
// function is a pure function of its arguments and is safe to call from any number of threads
// at once.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"
#include "ledger/domain/sha256.h"
#include "ledger/domain/types.h"

namespace tl::tlog {

inline constexpr size_t kHashSize = 32;

// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
using ledger::Hash;
using ledger::HashToHex;  // lower-case hex, 64 characters (for messages and tests)

// RFC 9162 §2.1.1: the leaf hash of an entry is SHA-256(0x00 ‖ entry). The 0x00 prefix keeps a
// leaf from ever hashing like an interior node (second-preimage resistance).
Hash LeafHash(std::string_view entry);

// RFC 9162 §2.1.1: an interior node's hash is SHA-256(0x01 ‖ left ‖ right).
Hash NodeHash(const Hash& left, const Hash& right);

// The root of the empty tree: SHA-256 of the empty string.
Hash EmptyRootHash();

// Standard base64 (RFC 4648 §4) with padding, as the C2SP formats and the HTTP API use it.
std::string Base64Encode(std::string_view bytes);
std::string HashToBase64(const Hash& hash);

// Strict standard base64: padding required, no whitespace, and the unused bits of the last
// character must be zero, so that every byte string has exactly one accepted encoding (a
// tampered character can never decode to the same bytes). kBadField on anything else.
Result<std::string> Base64Decode(std::string_view text);
// Base64Decode that also requires exactly 32 bytes.
Result<Hash> HashFromBase64(std::string_view text);

// The bytes of a hash as a string_view (for hashing and writing into tiles).
inline std::string_view HashBytes(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace tl::tlog
