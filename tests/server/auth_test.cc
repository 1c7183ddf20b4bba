// Token files, constant-time token lookup, roles.
#include "server/auth.h"

#include <catch2/catch.hpp>

using namespace tl::server;

TEST_CASE("a token file maps token hashes to roles and actors", "[server][auth]") {
  auto a = GenerateToken();
  auto b = GenerateToken();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->token != b->token);
  CHECK(a->token.size() == 64);
  const std::string file = "# tokens\n\n" + a->sha256_hex + " agent olga  # first line\n" +
                           b->sha256_hex + "\tauditor\trevisor\n";
  auto auth = Authenticator::Parse(file);
  REQUIRE(auth.ok());
  CHECK(auth->size() == 2);
  auto olga = auth->Authenticate("Bearer " + a->token);
  REQUIRE(olga);
  CHECK(olga->role == Role::kAgent);
  CHECK(olga->actor == "olga");
  auto revisor = auth->Authenticate("bearer " + b->token);
  REQUIRE(revisor);
  CHECK(revisor->role == Role::kAuditor);
  CHECK_FALSE(auth->Authenticate(""));
  CHECK_FALSE(auth->Authenticate("Bearer "));
  CHECK_FALSE(auth->Authenticate("Basic " + a->token));
  CHECK_FALSE(auth->Authenticate("Bearer " + a->sha256_hex));  // the hash is not the token
  CHECK_FALSE(auth->Authenticate("Bearer " + a->token + "x"));
}

TEST_CASE("a malformed token file names the bad line", "[server][auth]") {
  auto bad_role = Authenticator::Parse(std::string(64, 'a') + " wizard merlin\n");
  REQUIRE_FALSE(bad_role.ok());
  CHECK_THAT(std::string(bad_role.status().message()), Catch::Contains("line 1"));
  auto bad_hash = Authenticator::Parse("\n# c\nabc agent olga\n");
  REQUIRE_FALSE(bad_hash.ok());
  CHECK_THAT(std::string(bad_hash.status().message()), Catch::Contains("line 3"));
  CHECK_FALSE(Authenticator::Parse(std::string(64, 'a') + " agent\n").ok());
  CHECK_FALSE(Authenticator::Load("/nonexistent/tokens").ok());
}

TEST_CASE("roles grant what docs/api.md lists", "[server][auth]") {
  CHECK(Allows(Role::kReader, Permission::kRead));
  CHECK_FALSE(Allows(Role::kReader, Permission::kAct));
  CHECK(Allows(Role::kAgent, Permission::kAct));
  CHECK_FALSE(Allows(Role::kAgent, Permission::kAudit));
  CHECK_FALSE(Allows(Role::kAgent, Permission::kImport));
  CHECK(Allows(Role::kAuditor, Permission::kAudit));
  CHECK_FALSE(Allows(Role::kAuditor, Permission::kAct));
  CHECK(Allows(Role::kImporter, Permission::kImport));
  CHECK(Allows(Role::kImporter, Permission::kAct));
  CHECK_FALSE(Allows(Role::kImporter, Permission::kAudit));
  CHECK_FALSE(Allows(Role::kImporter, Permission::kAdmin));
  for (Permission p : {Permission::kRead, Permission::kAct, Permission::kAudit, Permission::kImport,
                       Permission::kAdmin}) {
    CHECK(Allows(Role::kAdmin, p));
  }
}
