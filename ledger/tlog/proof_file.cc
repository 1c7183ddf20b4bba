#include "ledger/tlog/proof_file.h"

#include <fmt/format.h>

#include <charconv>

#include "ledger/tlog/merkle.h"

namespace tl::tlog {
namespace {

// More hashes than any tree of at most 2^63 leaves needs.
constexpr size_t kMaxProofHashes = 63;

Status Malformed(std::string_view why) {
  return Status::BadField(fmt::format("malformed proof file: {}", why));
}

// Takes the next line (without its '\n') off `text`; false when no '\n' is left.
bool NextLine(std::string_view& text, std::string_view& line) {
  const size_t end = text.find('\n');
  if (end == std::string_view::npos) return false;
  line = text.substr(0, end);
  text.remove_prefix(end + 1);
  return true;
}

}  // namespace

Result<std::string> FormatProofFile(const ProofFile& file) {
  if (file.index < 0) return Status::BadField("proof file: negative leaf index");
  if (file.checkpoint.empty() || file.checkpoint.back() != '\n') {
    return Status::BadField("proof file: the checkpoint note does not end in a newline");
  }
  std::string out = fmt::format("{}\nextra {}\nindex {}\n", kProofFileHeader,
                                Base64Encode(file.entry), file.index);
  for (const Hash& h : file.proof) {
    out += HashToBase64(h);
    out += '\n';
  }
  out += '\n';
  out += file.checkpoint;
  return out;
}

Result<ProofFile> ParseProofFile(std::string_view text) {
  std::string_view line;
  if (!NextLine(text, line) || line != kProofFileHeader) {
    return Malformed(fmt::format("the first line is not {}", kProofFileHeader));
  }
  ProofFile file;
  if (!NextLine(text, line) || line.substr(0, 6) != "extra ") {
    return Malformed("no `extra` line with the entry");
  }
  Result<std::string> entry = Base64Decode(line.substr(6));
  if (!entry.ok()) return Malformed(fmt::format("entry: {}", entry.status().message()));
  file.entry = std::move(entry).value();

  if (!NextLine(text, line) || line.substr(0, 6) != "index ") return Malformed("no `index` line");
  const std::string_view digits = line.substr(6);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), file.index);
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0') || error != std::errc() ||
      end != digits.data() + digits.size() || file.index < 0) {
    return Malformed("the index is not a canonical decimal number");
  }
  while (true) {
    if (!NextLine(text, line)) return Malformed("no empty line before the checkpoint");
    if (line.empty()) break;
    if (file.proof.size() == kMaxProofHashes) return Malformed("too many proof hashes");
    Result<Hash> h = HashFromBase64(line);
    if (!h.ok()) {
      return Malformed(
          fmt::format("proof hash {}: {}", file.proof.size() + 1, h.status().message()));
    }
    file.proof.push_back(*h);
  }
  if (text.empty()) return Malformed("no checkpoint");
  file.checkpoint = std::string(text);
  return file;
}

Result<VerifiedProof> VerifyProofFile(std::string_view text, const NoteVerifier& log_key) {
  TL_ASSIGN_OR_RETURN(ProofFile file, ParseProofFile(text));
  TL_ASSIGN_OR_RETURN(Checkpoint checkpoint, OpenCheckpoint(file.checkpoint, log_key));
  if (file.index >= checkpoint.size) {
    return Status::BadField(fmt::format("proof file: leaf index {} is outside the tree of size {}",
                                        file.index, checkpoint.size));
  }
  TL_RETURN_IF_ERROR(VerifyInclusion(LeafHash(file.entry), file.index, checkpoint.size, file.proof,
                                     checkpoint.root));
  return VerifiedProof{std::move(file.entry), file.index, std::move(checkpoint)};
}

}  // namespace tl::tlog
