// The requester index key: the normalisation rule, and that equal addresses give equal keys under
// one master key and unrelated keys under another.
#include "ledger/privacy/requester_index.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>

using tl::StatusCode;
using tl::ledger::NormalizeAddress;
using tl::privacy::MasterKey;
using tl::privacy::RequesterIndex;
using tl::privacy::SecretKey;

TEST_CASE("addresses are normalised by trimming, lower-casing, removing mailto: and brackets",
          "[privacy][requester_index]") {
  const std::pair<const char*, const char*> cases[] = {
      {"ann@example.org", "ann@example.org"},
      {"  Ann@Example.ORG \t\r\n", "ann@example.org"},
      {"mailto:ann@example.org", "ann@example.org"},
      {"MAILTO:Ann@Example.org", "ann@example.org"},
      {" MailTo:  ann@example.org ", "ann@example.org"},
      {"\v\fann@example.org", "ann@example.org"},
      // Only a leading mailto:, once.
      {"ann@example.org mailto:", "ann@example.org mailto:"},
      {"xmailto:ann@example.org", "xmailto:ann@example.org"},
      {"mailto:mailto:ann@example.org", "mailto:ann@example.org"},
      // Bytes above 0x7F are left alone: no Unicode case folding.
      {"\xC3\x85SA@Example.SE", "\xC3\x85sa@example.se"},
      // One pair of brackets around the whole address, as mail headers write it.
      {" <Ola.Nordmann@UIO.Example.NO> ", "ola.nordmann@uio.example.no"},
      {"mailto:<ann@example.org>", "ann@example.org"},
      {"< ann@example.org >", "ann@example.org"},
      {"<<ann@example.org>>", "<ann@example.org>"},
      {"<ann@example.org", "<ann@example.org"},
      // Nothing else: display names, tags and dots stay.
      {"Ann <Ann@x.org>", "ann <ann@x.org>"},
      {"Ann.B+desk@x.org", "ann.b+desk@x.org"},
      {"", ""},
      {"   ", ""},
      {"mailto:", ""},
  };
  for (const auto& [input, normalised] : cases) {
    INFO("input \"" << input << "\"");
    CHECK(NormalizeAddress(input) == normalised);
  }
}

TEST_CASE("addresses that normalise alike get one requester key, others another",
          "[privacy][requester_index]") {
  const MasterKey master = MasterKey::FromSecret(SecretKey::Random());
  RequesterIndex index(master);
  auto plain = index.RequesterKey("ann@example.org");
  REQUIRE(plain.ok());
  for (const char* same :
       {" Ann@Example.org", "mailto:ANN@EXAMPLE.ORG", "ann@example.org\n", "<Ann@example.org>"}) {
    INFO(same);
    auto key = index.RequesterKey(same);
    REQUIRE(key.ok());
    CHECK(*key == *plain);
  }
  for (const char* other : {"anne@example.org", "ann@example.com", "ann@example.org."}) {
    INFO(other);
    CHECK(*index.RequesterKey(other) != *plain);
  }
}

TEST_CASE("the requester key depends on the master key", "[privacy][requester_index]") {
  const MasterKey a = MasterKey::FromSecret(SecretKey::Random());
  const MasterKey b = MasterKey::FromSecret(SecretKey::Random());
  CHECK(*RequesterIndex(a).RequesterKey("ann@example.org") !=
        *RequesterIndex(b).RequesterKey("ann@example.org"));
}

TEST_CASE("an address that normalises to nothing has no requester key",
          "[privacy][requester_index]") {
  RequesterIndex index(MasterKey::FromSecret(SecretKey::Random()));
  for (const char* empty : {"", "  ", "mailto:", " MAILTO: "}) {
    auto key = index.RequesterKey(empty);
    REQUIRE_FALSE(key.ok());
    CHECK(key.status().code() == StatusCode::kInvalidArgument);
  }
}
