#include "ledger/tlog/checkpoint.h"

#include <fmt/format.h>

#include <charconv>
#include <span>

namespace tl::tlog {
namespace {

Status Malformed(std::string_view why) {
  return Status::BadField(fmt::format("malformed checkpoint: {}", why));
}

}  // namespace

Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  if (!IsValidKeyName(checkpoint.origin)) {
    return Status::BadField("checkpoint origin must be a valid key name");
  }
  if (checkpoint.size < 0) return Status::BadField("checkpoint tree size is negative");
  return fmt::format("{}\n{}\n{}\n", checkpoint.origin, checkpoint.size,
                     HashToBase64(checkpoint.root));
}

Result<Checkpoint> ParseCheckpoint(std::string_view text) {
  std::string_view lines[3];
  for (std::string_view& line : lines) {
    const size_t end = text.find('\n');
    if (end == std::string_view::npos) return Malformed("fewer than three lines");
    line = text.substr(0, end);
    text.remove_prefix(end + 1);
  }
  if (!text.empty()) return Malformed("extension lines are not used by this log");
  Checkpoint checkpoint;
  if (lines[0].empty()) return Malformed("empty origin");
  checkpoint.origin = std::string(lines[0]);
  const std::string_view size = lines[1];
  const bool leading_zero = size.size() > 1 && size[0] == '0';
  auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), checkpoint.size);
  if (size.empty() || leading_zero || error != std::errc() || end != size.data() + size.size() ||
      checkpoint.size < 0) {
    return Malformed("the tree size is not a canonical decimal number");
  }
  Result<Hash> root = HashFromBase64(lines[2]);
  if (!root.ok()) return Malformed(fmt::format("root hash: {}", root.status().message()));
  checkpoint.root = *root;
  return checkpoint;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer) {
  if (checkpoint.origin != signer.name()) {
    return Status::BadField(fmt::format("checkpoint origin {:?} is not the key name {:?}",
                                        checkpoint.origin, signer.name()));
  }
  TL_ASSIGN_OR_RETURN(const std::string text, FormatCheckpoint(checkpoint));
  return SignNote(text, signer);
}

Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NoteVerifier& log_key) {
  TL_ASSIGN_OR_RETURN(const Note note, OpenNote(signed_note, std::span(&log_key, 1)));
  TL_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpoint(note.text));
  if (checkpoint.origin != log_key.name()) {
    return Status::BadField(fmt::format("checkpoint origin {:?} is not the log key's name {:?}",
                                        checkpoint.origin, log_key.name()));
  }
  return checkpoint;
}

}  // namespace tl::tlog
