#include "ledger/store/codec.h"

#include <catch2/catch.hpp>
#include <cstring>

#include "ledger/domain/overloaded.h"
#include "ledger/store/hash_chain.h"

using namespace tl::ledger;

namespace {

std::vector<Payload> EveryPayload() {
  Updated partial;
  partial.description = "vpn, eduroam";
  partial.category = Category::kIncident;
  Updated emptied;
  emptied.subject = "";
  return {
      TicketOpened{"Identitet_Feide", Category::kChange, "login; mfa", "Orakel", "ola@uio.no",
                   Channel::kPhone, "MFA reset", TicketId{7}, "CASE-1"},
      Acknowledged{},
      Replied{"We are looking at it"},
      RequesterMessaged{"Any news?"},
      Commented{"internal: check the IdP logs"},
      StatusChanged{TicketStatus::kResolved, TicketStatus::kOpen},
      Stalled{"the requester's screenshot", 1767700000LL * kNanosPerSecond},
      Resumed{},
      Assigned{"carl"},
      Unassigned{"carl"},
      Moved{"campus", "Orakel", "belongs to 1st line", true, true},
      partial,
      emptied,
      Resolved{"Reset the MFA token and explained enrolment"},
      Reopened{"still broken"},
      FeedbackInvited{},
      FeedbackReceived{4, "quick, thanks"},
      ChildLinked{TicketId{12}},
      QueueDefined{{"alice", "bob"}, true},
      ServiceDefined{"Feide identity"},
      MailSent{MailKind::kAcknowledgement, "tl.ack.1@desk.example.org", "kari@uni.no"},
      MailFailed{MailKind::kReply, "tl.r.2@desk.example.org", "kari@uni.no", "550 5.1.1 no"},
      MailBounced{"tl.r.2@desk.example.org", {"kari@uni.no", "ola@uni.no"}, "smtp; 550 5.1.1"},
  };
}

Event Envelope(Payload payload) {
  Event e;
  e.seq = Seq{42};
  e.stream = std::holds_alternative<QueueDefined>(payload)     ? StreamId::Queue("Orakel")
             : std::holds_alternative<ServiceDefined>(payload) ? StreamId::Service("Eduroam")
                                                               : StreamId::Ticket(TicketId{3});
  e.version = Version{5};
  e.event_id = EventId::FromName("test", "envelope");
  e.occurred_at = 1767603600LL * kNanosPerSecond + 123;
  e.recorded_at = 1767603601LL * kNanosPerSecond;
  e.actor = "olga";
  e.recorded_by = "importer-bot";
  e.payload = std::move(payload);
  return e;
}

}  // namespace

TEST_CASE("every event type survives an encode/decode round trip", "[codec]") {
  for (const Payload& payload : EveryPayload()) {
    const Event event = Envelope(payload);
    INFO(EventTypeName(payload));
    const std::string bytes = EncodeEvent(event);
    auto decoded = DecodeEvent(bytes, {.require_canonical = true});
    REQUIRE(decoded.ok());
    CHECK(*decoded == event);
    CHECK(EncodeEvent(*decoded) == bytes);  // canonical: re-encoding gives the same bytes
  }
}

TEST_CASE("decoding into a used event overwrites every field, whatever it held", "[codec]") {
  const std::vector<Payload> payloads = EveryPayload();
  // Each payload decoded into an event that held every other one before (the replay's reuse
  // of folded events), including the same type with other values.
  for (const Payload& previous : payloads) {
    for (const Payload& payload : payloads) {
      Event reused = Envelope(previous);
      reused.actor = "a much longer actor name than any in the envelope";
      reused.stream = StreamId::Queue("a queue stream");
      const Event event = Envelope(payload);
      REQUIRE(DecodeEventInto(EncodeEvent(event), reused).ok());
      INFO(EventTypeName(previous) << " -> " << EventTypeName(payload));
      CHECK(reused == event);
    }
  }
}

TEST_CASE("decoding without the narrative leaves exactly the narrative empty", "[codec]") {
  for (const Payload& payload : EveryPayload()) {
    const Event event = Envelope(payload);
    INFO(EventTypeName(payload));
    Event expected = event;
    expected.actor.clear();
    expected.recorded_by.clear();
    std::visit(tl::Overloaded{
                   [](Replied& p) { p.body.clear(); },
                   [](RequesterMessaged& p) { p.body.clear(); },
                   [](Commented& p) { p.body.clear(); },
                   [](Moved& p) { p.reason.clear(); },
                   [](Reopened& p) { p.reason.clear(); },
                   [](Unassigned& p) { p.previous_owner.clear(); },
                   [](MailFailed& p) { p.reason.clear(); },
                   [](MailBounced& p) { p.detail.clear(); },
                   [](auto&) {},
               },
               expected.payload);
    Event decoded = Envelope(payload);  // narrative set: the decode must clear it
    REQUIRE(DecodeEventInto(EncodeEvent(event), decoded, {.omit_narrative = true}).ok());
    CHECK(decoded == expected);
  }
  // Such an event is not the stored one, so it cannot be checked for canonical form.
  Event decoded;
  CHECK_FALSE(DecodeEventInto(EncodeEvent(Envelope(Acknowledged{})), decoded,
                              {.require_canonical = true, .omit_narrative = true})
                  .ok());
}

TEST_CASE("stored bytes use the single-segment stream framing", "[codec]") {
  const std::string bytes = EncodeEvent(Envelope(Replied{"hi"}));
  REQUIRE(bytes.size() % 8 == 0);
  uint32_t header[2];
  std::memcpy(header, bytes.data(), 8);
  CHECK(header[0] == 0);                     // one segment
  CHECK(header[1] * 8 + 8 == bytes.size());  // its size in words
  auto length = FramedMessageLength(bytes + bytes);
  REQUIRE(length.ok());
  CHECK(*length == bytes.size());
}

TEST_CASE("malformed bytes are corruption, never a crash", "[codec]") {
  const std::string good = EncodeEvent(Envelope(
      TicketOpened{"s", Category::kSupport, "d", "q", "r", Channel::kWeb, "", TicketId{}, ""}));
  SECTION("truncated") {
    for (size_t n : {size_t{0}, size_t{3}, size_t{8}, good.size() - 8}) {
      auto r = DecodeEvent(good.substr(0, n));
      CHECK(r.status().code() == tl::StatusCode::kDataLoss);
    }
  }
  SECTION("multi-segment framing") {
    std::string bad = good;
    bad[0] = 1;
    CHECK(DecodeEvent(bad).status().code() == tl::StatusCode::kDataLoss);
  }
  SECTION("a flipped byte fails strict decoding, or is a different event with those bytes") {
    const Event original = *DecodeEvent(good);
    for (size_t i = 0; i < good.size(); ++i) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ 0x5A);
      INFO("byte " << i);
      auto r = DecodeEvent(bad, {.require_canonical = true});
      if (r.ok()) {
        CHECK_FALSE(*r == original);
        CHECK(EncodeEvent(*r) == bad);
      } else {
        CHECK(r.status().code() == tl::StatusCode::kDataLoss);
      }
    }
  }
}

TEST_CASE("an event type this build does not know is reported as such", "[codec]") {
  std::string bytes = EncodeEvent(Envelope(Resumed{}));
  auto decoded = DecodeEvent(bytes);
  REQUIRE(decoded.ok());
  // The payload union's tag is bits [256, 272) of the root struct's data section
  // (`capnp compile -ocapnp events.capnp` shows it); in canonical form the root pointer is word
  // 0 of the segment and the data section follows. Set it to a member number no schema has.
  const size_t discriminant = 8 /* framing */ + 8 /* root pointer */ + 32;
  bytes[discriminant] = static_cast<char>(0xE7);
  bytes[discriminant + 1] = 0x03;
  auto unknown = DecodeEvent(bytes);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == tl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(unknown.status().message()), Catch::Contains("unknown event type"));
}

TEST_CASE("personal_data_erased (@27) is in the schema but refused as an unknown event type",
          "[codec]") {
  // The privacy branch gives @27 its meaning; this build only keeps the ordinals contiguous.
  std::string bytes = EncodeEvent(Envelope(Resumed{}));
  const size_t discriminant = 8 /* framing */ + 8 /* root pointer */ + 32;
  bytes[discriminant] = 27;
  bytes[discriminant + 1] = 0;
  auto decoded = DecodeEvent(bytes);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == tl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(decoded.status().message()), Catch::Contains("unknown event type"));
}

TEST_CASE("the chain hash is SHA-256 of the previous hash and the stored bytes", "[codec]") {
  // sha256 of 32 zero bytes followed by "abc", computed independently with Python's hashlib.
  const Hash h = ChainHash(kGenesisHash, "abc");
  CHECK(HashToHex(h) == "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370");
}
