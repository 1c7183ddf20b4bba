// C2SP checkpoints (c2sp.org/tlog-checkpoint): the signed statement "the log <origin> has
// <size> entries and this Merkle root". The note text is exactly
//
//   <origin>\n<tree size, decimal, no leading zeros>\n<base64 of the 32-byte root>\n
//
// This log signs with a key whose name is the origin, and writes no extension lines; the
// parser is strict to match and rejects them (the spec leaves them optional and not
// recommended). Functions are pure and thread-safe.
//
// Errors: kBadField for malformed text or a bad origin; OpenNote's errors for the signature.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"
#include "ledger/tlog/hash.h"
#include "ledger/tlog/note.h"

namespace tl::tlog {

struct Checkpoint {
  std::string origin;
  int64_t size = 0;
  Hash root{};

  bool operator==(const Checkpoint&) const = default;
};

// The note text of `checkpoint`. kBadField when the origin is not a valid key name (it must be
// one: it names the signing key) or the size is negative.
Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// Parses note text (not a signed note: see OpenCheckpoint). Exactly three lines, each ending
// in '\n'; the size in canonical decimal within int64; the root in canonical base64.
Result<Checkpoint> ParseCheckpoint(std::string_view text);

// The signed note of `checkpoint`. kBadField unless checkpoint.origin == signer.name().
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer);

// Opens a signed checkpoint: the note must carry a valid signature by `log_key` (other,
// unknown signatures such as witness cosignatures are ignored), and its origin must be
// log_key.name().
Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NoteVerifier& log_key);

}  // namespace tl::tlog
