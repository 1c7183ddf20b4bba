// SecretKey: the value type every key travels in; wiped when a copy dies or is moved from.
#include "ledger/privacy/secret_key.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>

using tl::privacy::SecretKey;

namespace {

bool AllZero(const SecretKey& key) {
  return std::all_of(key.bytes().begin(), key.bytes().end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

TEST_CASE("a new secret key is all zeros and a random one is not", "[privacy][secret_key]") {
  CHECK(AllZero(SecretKey()));
  CHECK_FALSE(AllZero(SecretKey::Random()));
  CHECK_FALSE(SecretKey::Random() == SecretKey::Random());
}

TEST_CASE("a copied key equals its original and a moved-from key is wiped",
          "[privacy][secret_key]") {
  SecretKey original = SecretKey::Random();
  SecretKey copy = original;
  CHECK(copy == original);
  SecretKey moved = std::move(copy);
  CHECK(moved == original);
  CHECK(AllZero(copy));  // NOLINT(bugprone-use-after-move): the wipe is the contract
  SecretKey assigned;
  assigned = std::move(moved);
  CHECK(assigned == original);
  CHECK(AllZero(moved));  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("a key from bytes must be exactly 32 bytes, and the refusal shows none of them",
          "[privacy][secret_key]") {
  std::array<uint8_t, 33> bytes{};
  bytes.fill(0xAB);
  auto exact = SecretKey::FromBytes(std::span<const uint8_t>(bytes.data(), 32));
  REQUIRE(exact.ok());
  CHECK(exact->bytes()[31] == 0xAB);
  auto too_long = SecretKey::FromBytes(bytes);
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(std::string(too_long.status().message()).find("ab") == std::string::npos);
  CHECK_FALSE(SecretKey::FromBytes(std::span<const uint8_t>(bytes.data(), 31)).ok());
}
