#include "tools/key_files.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/signing_key.h"

namespace tl::tools {

std::string SigningKeyPath(const std::string& data, const std::string& signing_key) {
  if (!signing_key.empty()) return signing_key;
  return (std::filesystem::path(data) / app::kDefaultSigningKeyFile).string();
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot open {}", path));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::Unavailable(fmt::format("cannot read {}", path));
  return text.str();
}

Result<tlog::NoteVerifier> LoadVerifierKey(const std::string& text_or_file) {
  std::string text = text_or_file;
  std::error_code ec;
  if (std::filesystem::is_regular_file(text_or_file, ec)) {
    TL_ASSIGN_OR_RETURN(text, ReadSmallFile(text_or_file));
    text = text.substr(0, text.find('\n'));
  }
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  auto key = tlog::NoteVerifier::Parse(text);
  if (!key.ok()) {
    return key.status().WithContext(
        fmt::format("{} is not a verifier key (<name>+<key id>+<base64>) nor a file holding one",
                    text_or_file));
  }
  return key;
}

}  // namespace tl::tools
