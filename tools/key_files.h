// Keys as the tools take them: the ledger's signing key in its data directory (or another
// file), and verifier keys given as text or as a file holding the text.
#pragma once

#include <optional>
#include <string>

#include "ledger/domain/result.h"
#include "ledger/tlog/note.h"

namespace tl::tools {

// The signing key file of the ledger in `data` unless `signing_key` names one.
std::string SigningKeyPath(const std::string& data, const std::string& signing_key);

// `text_or_file` is a verifier key ("<name>+<id>+<base64>") or a file whose first line is one.
Result<tlog::NoteVerifier> LoadVerifierKey(const std::string& text_or_file);

// The whole of a small file; kNotFound / kUnavailable with the path in the message.
Result<std::string> ReadSmallFile(const std::string& path);

}  // namespace tl::tools
