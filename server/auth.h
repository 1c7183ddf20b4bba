// Authentication and roles (docs/api.md "Authentication").
//
// The token file has one line per token: `<sha256 hex of the token> <role> <actor>`, with `#`
// comments and blank lines. Only hashes are kept, so the file (and a core dump) never holds a
// usable token. A presented token is hashed and compared with every known hash in constant
// time, all of them every time, so neither the position of a match nor a common prefix shows in
// the timing.
//
// Thread-safety: an Authenticator is immutable after Load; use it from any thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/result.h"

namespace tl::server {

enum class Role { kReader, kAgent, kAuditor, kImporter, kAdmin, kMailgate };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// What a request may do; each endpoint needs one.
enum class Permission {
  kRead,         // tickets, lists, queues, services, reports, dashboard
  kAct,          // open tickets and act on them
  kAudit,        // history, event feed, verify
  kImport,       // set occurred_at, actor and external_ref on writes
  kAdmin,        // define queues and services
  kMailInbound,  // post incoming mail (the mailgate role's only permission; docs/mail.md)
};

bool Allows(Role role, Permission permission);

struct Principal {
  Role role = Role::kReader;
  std::string actor;
};

class Authenticator {
 public:
  // Parses a token file. A malformed line is kBadField naming the line number; a missing file
  // kNotFound.
  // Refuses a file that users other than its owner and group may write (they could add a token
  // of their own); a file they may read is taken, with a warning in `*warning` (it holds only
  // hashes, but says who has which role).
  static Result<Authenticator> Load(const std::string& path, std::string* warning = nullptr);
  static Result<Authenticator> Parse(std::string_view text);

  // The principal of an `Authorization: Bearer <token>` header value, or nullopt when the header
  // is absent, malformed or names no known token.
  std::optional<Principal> Authenticate(std::string_view authorization) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::array<uint8_t, 32> hash;
    Principal principal;
  };
  std::vector<Entry> entries_;
};

// A fresh random token (32 bytes from the OS's CSPRNG, hex) and its hash in hex.
struct NewToken {
  std::string token;
  std::string sha256_hex;
};
Result<NewToken> GenerateToken();
std::string Sha256Hex(std::string_view text);

}  // namespace tl::server
