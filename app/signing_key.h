// The ledger's signing key: an Ed25519 key in the C2SP signed-note text form
// ("PRIVATE+KEY+<name>+<key id>+<base64>"), whose name is the log's origin
// (docs/log-format.md, "Signed checkpoints"; docs/operations.md, "The signing key").
#pragma once

#include <string>

#include "ledger/domain/result.h"
#include "ledger/tlog/note.h"

namespace tl::app {

// The file `serve` keeps the key in unless --signing-key names another.
inline constexpr const char* kDefaultSigningKeyFile = "signing.key";

// The origin a new ledger signs as when --origin is not given: "<host name>/ticketledger".
std::string DefaultOrigin();

// Loads the signing key from `path`, or creates it there (mode 0600, written and synced before
// it is used) when the file does not exist and `create` is set. `origin`, when not empty, must
// be the key's name: a ledger keeps its origin for life, because every checkpoint it signed
// names it. A key file that others may read or write is refused (kPermissionDenied).
// `*created` tells whether the file was made now.
Result<tlog::NoteSigner> LoadOrCreateSigningKey(const std::string& path, const std::string& origin,
                                                bool create, bool* created = nullptr);

// Writes `text` to a new file `path` (refused if it exists), mode 0600, synced with its directory
// entry before returning; a half-written file is removed. A full disk is kResourceExhausted,
// other failures kUnavailable. For the signing key and its copies (backups).
Status WriteKeyFile(const std::string& path, const std::string& text);

}  // namespace tl::app
