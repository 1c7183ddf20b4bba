// Vocabulary value types shared by every module: ids, times, hashes, the enums of docs/api.md.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"
#include "ledger/domain/strong_id.h"

namespace tl::ledger {

// Distinct types, so that one cannot be passed for another (strong_id.h).
using Seq = StrongId<struct SeqTag>;  // global position in the log, 1, 2, 3, ... without gaps
using Version = StrongId<struct VersionTag>;    // position within one stream, 1, 2, 3, ...; 0 = the
                                                // stream is empty
using TicketId = StrongId<struct TicketIdTag>;  // 1, 2, 3, ... assigned by the log; 0 = none
static_assert(sizeof(Seq) == sizeof(uint64_t) && std::is_trivially_copyable_v<Seq>);
using TimeNs = int64_t;                // UTC nanoseconds since 1970-01-01T00:00:00Z
using Hash = std::array<uint8_t, 32>;  // SHA-256

constexpr TimeNs kNanosPerSecond = 1'000'000'000;
constexpr TimeNs kNanosPerMilli = 1'000'000;

std::string HashToHex(const Hash& hash);
Result<Hash> HashFromHex(std::string_view hex);

enum class Category : uint8_t { kSupport, kOrder, kTermination, kIncident, kChange };
enum class Channel : uint8_t { kEmail, kPhone, kForwarded, kWeb };
enum class TicketStatus : uint8_t { kNew, kOpen, kStalled, kResolved };

std::string_view CategoryName(Category c);
std::optional<Category> ParseCategory(std::string_view name);
std::string_view ChannelName(Channel c);
std::optional<Channel> ParseChannel(std::string_view name);
std::string_view StatusName(TicketStatus s);
std::optional<TicketStatus> ParseStatus(std::string_view name);

// A 128-bit event id, written as a UUID. Clients may supply any UUID; the ledger generates
// time-ordered random ids (version 7, RFC 9562) and derives name-based ids (version 8, from
// SHA-256) for the secondary events of a command and for imported rows. Both begin with a
// 48-bit Unix time in milliseconds, so that ids written together sit together in the event-id
// index: appending near its end is a short search, a random key a full one (profiled with 64
// appenders: the writer's CPU per append fell from 20 to 11 us).
struct EventId {
  std::array<uint8_t, 16> bytes{};

  static Result<EventId> Parse(std::string_view text);  // 8-4-4-4-12 hex, any case
  static EventId Random();
  // A stable id for `name` within `space`: equal inputs give equal ids, forever.
  static EventId FromName(std::string_view space, std::string_view name);
  // The id of the index-th secondary event of a command whose primary event is `primary`; it
  // begins with the primary's time prefix.
  static EventId Derived(const EventId& primary, uint32_t index);
  // This id with its first 48 bits replaced by `unix_ms` (clamped to 0 .. 2^48 - 1): the
  // version and variant bits and the other 74 bits stay.
  EventId WithTimePrefix(int64_t unix_ms) const;

  bool IsNil() const;
  std::string ToString() const;  // lower-case 8-4-4-4-12
  auto operator<=>(const EventId&) const = default;
};

// For hash containers. Hashes the id's last 8 bytes: random (or a SHA-256's) in every kind of
// id the ledger makes, whereas the first 6 are a millisecond time that many ids share.
struct EventIdHash {
  size_t operator()(const EventId& id) const {
    uint64_t tail;
    std::memcpy(&tail, id.bytes.data() + 8, sizeof tail);
    return static_cast<size_t>(tail);
  }
};

// What an event belongs to: a ticket, or a piece of reference data (a queue, a service).
// Each stream has its own version sequence. Ticket 0 in an append means "a new ticket": the
// log assigns the next id when it commits.
struct StreamId {
  enum class Kind : uint8_t { kTicket = 1, kQueue = 2, kService = 3 };

  Kind kind = Kind::kTicket;
  TicketId ticket;   // for kTicket
  std::string name;  // for kQueue and kService

  static StreamId Ticket(TicketId id) { return StreamId{Kind::kTicket, id, {}}; }
  static StreamId NewTicket() { return StreamId{Kind::kTicket, TicketId{}, {}}; }
  static StreamId Queue(std::string name) {
    return StreamId{Kind::kQueue, TicketId{}, std::move(name)};
  }
  static StreamId Service(std::string name) {
    return StreamId{Kind::kService, TicketId{}, std::move(name)};
  }

  bool is_ticket() const { return kind == Kind::kTicket; }
  std::string ToString() const;  // "ticket/42", "queue/Orakel", "service/Identitet_Feide"
  bool operator==(const StreamId&) const = default;
};

}  // namespace tl::ledger
