// The field cipher: how a personal field of an event is stored, sealed under its ticket's data
// key with XChaCha20-Poly1305-IETF (libsodium), an AEAD: it hides the field and detects any
// change to it, to the key, or to the context it was sealed for.
//
// Sealed bytes, format version 1 (what the event log stores in place of the field):
//
//   offset 0       1 byte    format version, 0x01
//   offset 1       24 bytes  nonce, random per Seal
//   offset 25      n bytes   ciphertext; n = the plaintext's length
//   offset 25 + n  16 bytes  Poly1305 tag
//
// So a sealed field is the plaintext plus kSealedOverhead (41) bytes. The plaintext's length is
// not hidden. The AEAD's associated data is the version byte followed by the caller's associated
// data, so the version byte is authenticated too. The associated data is not stored: the reader
// rebuilds it from where the field sits (FieldAssociatedData below), and a ciphertext moved to
// another ticket, event or field no longer opens.
//
// After the ticket's data key is destroyed (KeyStore::Destroy), no one can open its fields: that
// is the erasure. Thread-safety: all functions are pure and may run concurrently.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"
#include "ledger/privacy/secret_key.h"

namespace tl::privacy {

inline constexpr size_t kSealedOverhead = 41;  // version + nonce + tag

// The sealed form of `plaintext` (any bytes, possibly empty). A new random nonce each call, so
// sealing the same field twice gives different bytes. Cannot fail.
std::string Seal(const DataKey& key, std::string_view plaintext, std::string_view associated_data);

// The plaintext of `sealed`, or kDataLoss when the bytes are too short, of an unknown format
// version, or do not authenticate under this key and associated data (wrong key, wrong
// context, or altered bytes; the message cannot tell which, by design). The message never holds
// any of the bytes.
Result<std::string> Open(const DataKey& key, std::string_view sealed,
                         std::string_view associated_data);

// Where a field sits: what its associated data binds it to.
struct FieldContext {
  uint64_t ticket_id = 0;
  uint64_t seq = 0;                    // the event's place in the log
  std::string_view event_type;         // e.g. "TicketOpened", as the schema names it
  std::array<uint8_t, 16> event_id{};  // the event's id (ledger::EventId::bytes)
  std::string_view field_name;         // e.g. "requester"
};

// The associated data of a field, unambiguous by construction (no two contexts give the same
// bytes): every variable-length part carries its length.
//
//   "tl.field.v1"                 11 bytes, a domain tag: no other use of a data key can
//                                 produce these bytes
//   ticket_id                     8 bytes, big-endian
//   seq                           8 bytes, big-endian
//   len(event_type)               4 bytes, big-endian, then event_type
//   event_id                      16 bytes
//   len(field_name)               4 bytes, big-endian, then field_name
//
// Renaming an event type or a field, or giving an event a new id or seq, changes the associated
// data: fields sealed before then no longer open. Those names are part of the stored format.
std::string FieldAssociatedData(const FieldContext& context);

}  // namespace tl::privacy
