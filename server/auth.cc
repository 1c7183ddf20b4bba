#include "server/auth.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "ledger/store/hash_chain.h"

namespace tl::server {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kAgent:
      return "agent";
    case Role::kAuditor:
      return "auditor";
    case Role::kImporter:
      return "importer";
    case Role::kAdmin:
      return "admin";
    case Role::kMailgate:
      return "mailgate";
  }
  return "reader";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kReader, Role::kAgent, Role::kAuditor, Role::kImporter, Role::kAdmin,
                 Role::kMailgate}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool Allows(Role role, Permission p) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kReader:
      return p == Permission::kRead;
    case Role::kAgent:
      return p == Permission::kRead || p == Permission::kAct;
    case Role::kAuditor:
      return p == Permission::kRead || p == Permission::kAudit;
    case Role::kImporter:
      return p == Permission::kRead || p == Permission::kAct || p == Permission::kImport;
    case Role::kMailgate:
      return p == Permission::kMailInbound;
  }
  return false;
}

std::string Sha256Hex(std::string_view text) { return ledger::HashToHex(ledger::Sha256({text})); }

Result<Authenticator> Authenticator::Load(const std::string& path, std::string* warning) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(fmt::format("cannot read the token file {}", path));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if ((st.st_mode & S_IWOTH) != 0) {
      return Status::PermissionDenied(fmt::format(
          "the token file {} may be written by anyone (mode {:o}): anyone could add a token; "
          "run chmod o-w {}",
          path, st.st_mode & 0777, path));
    }
    if ((st.st_mode & S_IROTH) != 0 && warning) {
      *warning = fmt::format(
          "the token file {} may be read by anyone (mode {:o}); chmod o-r {} keeps who has which "
          "role private",
          path, st.st_mode & 0777, path);
    }
  }
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = Parse(text.str());
  if (!parsed.ok()) return parsed.status().WithContext(path);
  return parsed;
}

Result<Authenticator> Authenticator::Parse(std::string_view text) {
  Authenticator auth;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    std::vector<std::string_view> fields;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      const size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
      if (i > start) fields.push_back(line.substr(start, i - start));
    }
    if (fields.empty()) continue;
    if (fields.size() != 3) {
      return Status::BadField(
          fmt::format("line {}: expected `<sha256 hex> <role> <actor>`, got {} fields", line_no,
                      fields.size()));
    }
    auto hash = ledger::HashFromHex(fields[0]);
    if (!hash.ok() || fields[0].size() != 64) {
      return Status::BadField(
          fmt::format("line {}: the first field must be 64 hex digits (the "
                      "SHA-256 of the token)",
                      line_no));
    }
    auto role = ParseRole(fields[1]);
    if (!role) {
      return Status::BadField(
          fmt::format("line {}: unknown role '{}' (reader, agent, auditor, importer, admin)",
                      line_no, fields[1]));
    }
    auth.entries_.push_back(Entry{*hash, Principal{*role, std::string(fields[2])}});
  }
  return auth;
}

std::optional<Principal> Authenticator::Authenticate(std::string_view authorization) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 7235).
  for (size_t i = 0; i + 1 < kBearer.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kBearer[i]))) {
      return std::nullopt;
    }
  }
  if (authorization[kBearer.size() - 1] != ' ') return std::nullopt;
  const std::string_view token = authorization.substr(kBearer.size());
  const ledger::Hash presented = ledger::Sha256({token});
  const Entry* match = nullptr;
  for (const Entry& e : entries_) {
    // Every entry is compared, whatever matched before: the time does not depend on where.
    const bool equal = CRYPTO_memcmp(e.hash.data(), presented.data(), presented.size()) == 0;
    if (equal && match == nullptr) match = &e;
  }
  if (!match) return std::nullopt;
  return match->principal;
}

Result<NewToken> GenerateToken() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Status::Unavailable("the system's random generator failed");
  }
  NewToken t;
  t.token.reserve(2 * bytes.size());
  for (unsigned char b : bytes) t.token += fmt::format("{:02x}", b);
  t.sha256_hex = Sha256Hex(t.token);
  return t;
}

}  // namespace tl::server
