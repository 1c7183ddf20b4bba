// Proof files: a self-contained, offline-checkable proof that an entry is in the log, in the
// text format of c2sp.org/tlog-proof (v1), with the entry itself carried in the format's
// `extra` line:
//
//   c2sp.org/tlog-proof@v1
//   extra <base64 of the entry's exact bytes>
//   index <zero-based leaf index, decimal, no leading zeros>
//   <base64 inclusion proof hash, deepest first, one per line; none for a one-leaf tree>
//   <empty line>
//   <the signed checkpoint note, verbatim>
//
// The spec makes `extra` optional and unauthenticated; here it is required, and it is
// authenticated by the check itself: its leaf hash must be proved into the signed root. A
// generic tlog-proof verifier that takes the entry separately can ignore the line.
// Functions are pure and thread-safe.
//
// Errors: kBadField for a malformed file; then the signature's and the proof's errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/hash.h"
#include "ledger/tlog/note.h"

namespace tl::tlog {

inline constexpr std::string_view kProofFileHeader = "c2sp.org/tlog-proof@v1";

struct ProofFile {
  std::string entry;        // the entry's exact bytes (leaf hash = LeafHash(entry))
  int64_t index = 0;        // its zero-based leaf index (the event with seq index + 1)
  std::vector<Hash> proof;  // inclusion proof in the checkpoint's tree, deepest first
  std::string checkpoint;   // the signed checkpoint note, byte for byte as signed

  bool operator==(const ProofFile&) const = default;
};

// The file text. kBadField for a negative index or a checkpoint note that does not end in a
// newline.
Result<std::string> FormatProofFile(const ProofFile& file);

// Parses the file text strictly (nothing is verified).
Result<ProofFile> ParseProofFile(std::string_view text);

// What a verified proof file establishes.
struct VerifiedProof {
  std::string entry;
  int64_t index = 0;
  Checkpoint checkpoint;
};

// Parses `text`, opens the checkpoint with `log_key` (signature and origin, as OpenCheckpoint),
// then checks that LeafHash(entry) is leaf `index` of the checkpoint's tree. OK only when all
// hold.
Result<VerifiedProof> VerifyProofFile(std::string_view text, const NoteVerifier& log_key);

}  // namespace tl::tlog
