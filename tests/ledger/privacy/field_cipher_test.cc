// The field cipher: round trips, the byte layout, and every way a sealed field must refuse to
// open (another key, another ticket/event/field, a flipped bit, a cut).
#include "ledger/privacy/field_cipher.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "tests/ledger/privacy/privacy_test_support.h"

using tl::StatusCode;
using tl::privacy::DataKey;
using tl::privacy::FieldAssociatedData;
using tl::privacy::FieldContext;
using tl::privacy::kSealedOverhead;
using tl::privacy::Open;
using tl::privacy::Seal;
using tl::privacy::testing::Hex;

namespace {

FieldContext SampleContext() {
  FieldContext context;
  context.ticket_id = 4711;
  context.seq = 90210;
  context.event_type = "TicketOpened";
  for (size_t i = 0; i < context.event_id.size(); ++i) {
    context.event_id[i] = static_cast<uint8_t>(0xA0 + i);
  }
  context.field_name = "requester";
  return context;
}

std::string RandomText(std::mt19937& rng, size_t size) {
  std::string text(size, '\0');
  for (char& c : text) c = static_cast<char>(rng() & 0xff);
  return text;
}

}  // namespace

TEST_CASE("a sealed field opens to its plaintext, whatever its length", "[privacy][field_cipher]") {
  std::mt19937 rng(20240601);
  const DataKey key = DataKey::Random();
  const std::string ad = FieldAssociatedData(SampleContext());
  for (size_t size : {0, 1, 15, 16, 17, 300, 4096, 100000}) {
    INFO("size " << size);
    const std::string plaintext = RandomText(rng, size);
    const std::string sealed = Seal(key, plaintext, ad);
    CHECK(sealed.size() == size + kSealedOverhead);
    CHECK(static_cast<uint8_t>(sealed[0]) == 0x01);
    auto opened = Open(key, sealed, ad);
    REQUIRE(opened.ok());
    CHECK(*opened == plaintext);
  }
}

TEST_CASE("sealing the same field twice gives different bytes", "[privacy][field_cipher]") {
  const DataKey key = DataKey::Random();
  const std::string ad = FieldAssociatedData(SampleContext());
  const std::string a = Seal(key, "ann@example.org", ad);
  const std::string b = Seal(key, "ann@example.org", ad);
  CHECK(a != b);
  CHECK(a.substr(1, 24) != b.substr(1, 24));  // the nonces
  CHECK(a.find("ann@example.org") == std::string::npos);
}

TEST_CASE("a sealed field does not open under another key", "[privacy][field_cipher]") {
  const std::string ad = FieldAssociatedData(SampleContext());
  const std::string sealed = Seal(DataKey::Random(), "Ann Example", ad);
  auto opened = Open(DataKey::Random(), sealed, ad);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == StatusCode::kDataLoss);
  CHECK(std::string(opened.status().message()).find("Ann") == std::string::npos);
}

TEST_CASE("a sealed field does not open for another ticket, event type, event or field",
          "[privacy][field_cipher]") {
  const DataKey key = DataKey::Random();
  const FieldContext original = SampleContext();
  const std::string sealed = Seal(key, "Ann Example", FieldAssociatedData(original));
  REQUIRE(Open(key, sealed, FieldAssociatedData(original)).ok());

  FieldContext other_ticket = original;
  other_ticket.ticket_id = 4712;
  FieldContext other_type = original;
  other_type.event_type = "Replied";
  FieldContext other_event = original;
  other_event.event_id[15] ^= 0x01;
  FieldContext other_seq = original;
  other_seq.seq += 1;
  FieldContext other_field = original;
  other_field.field_name = "subject";
  for (const FieldContext& moved :
       {other_ticket, other_type, other_event, other_seq, other_field}) {
    CHECK(Open(key, sealed, FieldAssociatedData(moved)).status().code() == StatusCode::kDataLoss);
  }
  CHECK_FALSE(Open(key, sealed, "").ok());
}

TEST_CASE("flipping any single bit of a sealed field makes it refuse to open",
          "[privacy][field_cipher]") {
  std::mt19937 rng(7);
  const DataKey key = DataKey::Random();
  const std::string ad = FieldAssociatedData(SampleContext());
  const std::string sealed = Seal(key, RandomText(rng, 300), ad);
  int refused = 0;
  for (size_t byte = 0; byte < sealed.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string tampered = sealed;
      tampered[byte] = static_cast<char>(tampered[byte] ^ (1 << bit));
      if (!Open(key, tampered, ad).ok()) ++refused;
    }
  }
  CHECK(refused == static_cast<int>(sealed.size() * 8));
}

TEST_CASE("a cut, extended or unversioned sealed field is refused", "[privacy][field_cipher]") {
  const DataKey key = DataKey::Random();
  const std::string ad = FieldAssociatedData(SampleContext());
  const std::string sealed = Seal(key, "some personal text", ad);
  for (size_t cut = 0; cut < sealed.size(); ++cut) {
    INFO("cut to " << cut);
    CHECK(Open(key, sealed.substr(0, cut), ad).status().code() == StatusCode::kDataLoss);
  }
  CHECK_FALSE(Open(key, sealed + '\0', ad).ok());
  std::string version_two = sealed;
  version_two[0] = 0x02;
  auto opened = Open(key, version_two, ad);
  REQUIRE_FALSE(opened.ok());
  CHECK(std::string(opened.status().message()).find("version") != std::string::npos);
}

TEST_CASE("the associated data has the documented layout, byte for byte",
          "[privacy][field_cipher]") {
  // "tl.field.v1" | ticket u64 BE | seq u64 BE | len u32 BE + "TicketOpened" | 16-byte id |
  // len + "requester"
  const std::string expected_hex =
      Hex("tl.field.v1") + "0000000000001267" + "0000000000016062" + "0000000c" +
      Hex("TicketOpened") + "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf" + "00000009" + Hex("requester");
  CHECK(Hex(FieldAssociatedData(SampleContext())) == expected_hex);
}

TEST_CASE("moving bytes between the event type and the field name changes the associated data",
          "[privacy][field_cipher]") {
  FieldContext a = SampleContext();
  a.event_type = "Replied";
  a.field_name = "body";
  FieldContext b = a;
  b.event_type = "Repliedb";
  b.field_name = "ody";
  FieldContext c = a;
  c.event_type = "";
  c.field_name = "Repliedbody";
  CHECK(FieldAssociatedData(a) != FieldAssociatedData(b));
  CHECK(FieldAssociatedData(a) != FieldAssociatedData(c));
  CHECK(FieldAssociatedData(b) != FieldAssociatedData(c));
}
