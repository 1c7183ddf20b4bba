#include "ledger/domain/types.h"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "ledger/domain/sha256.h"

namespace tl::ledger {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendHex(const uint8_t* data, size_t n, std::string* out) {
  for (size_t i = 0; i < n; ++i) {
    out->push_back(kHexDigits[data[i] >> 4]);
    out->push_back(kHexDigits[data[i] & 0xF]);
  }
}

// Marks a name-based id as an RFC 9562 version 8 UUID with the RFC 4122 variant.
EventId StampVersion8(const uint8_t* digest) {
  EventId id;
  std::memcpy(id.bytes.data(), digest, 16);
  id.bytes[6] = static_cast<uint8_t>((id.bytes[6] & 0x0F) | 0x80);
  id.bytes[8] = static_cast<uint8_t>((id.bytes[8] & 0x3F) | 0x80);
  return id;
}

template <typename E, size_t N>
std::optional<E> ParseName(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::string_view kCategoryNames[] = {"support", "order", "termination", "incident",
                                               "change"};
constexpr std::string_view kChannelNames[] = {"email", "phone", "forwarded", "web"};
constexpr std::string_view kStatusNames[] = {"new", "open", "stalled", "resolved"};

}  // namespace

std::string HashToHex(const Hash& hash) {
  std::string out;
  out.reserve(64);
  AppendHex(hash.data(), hash.size(), &out);
  return out;
}

Result<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 64) return Status::BadField("a hash is 64 hex digits");
  Hash h;
  for (size_t i = 0; i < 32; ++i) {
    int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::BadField("a hash is 64 hex digits");
    h[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return h;
}

std::string_view CategoryName(Category c) { return kCategoryNames[static_cast<size_t>(c)]; }
std::optional<Category> ParseCategory(std::string_view name) {
  return ParseName<Category>(kCategoryNames, name);
}
std::string_view ChannelName(Channel c) { return kChannelNames[static_cast<size_t>(c)]; }
std::optional<Channel> ParseChannel(std::string_view name) {
  return ParseName<Channel>(kChannelNames, name);
}
std::string_view StatusName(TicketStatus s) { return kStatusNames[static_cast<size_t>(s)]; }
std::optional<TicketStatus> ParseStatus(std::string_view name) {
  return ParseName<TicketStatus>(kStatusNames, name);
}

Result<EventId> EventId::Parse(std::string_view text) {
  static constexpr size_t kDashes[] = {8, 13, 18, 23};
  if (text.size() != 36) return Status::BadField("event_id must be a UUID (8-4-4-4-12 hex)");
  EventId id;
  size_t out = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::find(std::begin(kDashes), std::end(kDashes), i) != std::end(kDashes)) {
      if (text[i] != '-') return Status::BadField("event_id must be a UUID (8-4-4-4-12 hex)");
      continue;
    }
    int hi = HexValue(text[i]), lo = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
    if (hi < 0 || lo < 0) return Status::BadField("event_id must be a UUID (8-4-4-4-12 hex)");
    id.bytes[out++] = static_cast<uint8_t>(hi << 4 | lo);
    ++i;
  }
  return id;
}

EventId EventId::Random() {
  // RAND_bytes per id showed up in profiles of the append path; drawing 1 KiB at a time from
  // the same CSPRNG costs a sixty-fourth of that and the ids are just as unpredictable.
  thread_local std::array<uint8_t, 1024> pool;
  thread_local size_t used = pool.size();
  if (used == pool.size()) {
    // RAND_bytes only fails when the OS entropy source is broken; continuing would hand out
    // predictable or repeated ids, so stop.
    if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1) std::abort();
    used = 0;
  }
  EventId id;
  std::memcpy(id.bytes.data(), pool.data() + used, id.bytes.size());
  used += id.bytes.size();
  id.bytes[6] = static_cast<uint8_t>((id.bytes[6] & 0x0F) | 0x70);
  id.bytes[8] = static_cast<uint8_t>((id.bytes[8] & 0x3F) | 0x80);
  // An id is not part of any projection, so the wall clock is allowed here.
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return id.WithTimePrefix(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

EventId EventId::WithTimePrefix(int64_t unix_ms) const {
  constexpr int64_t kMax = (int64_t{1} << 48) - 1;
  const uint64_t ms = static_cast<uint64_t>(std::clamp<int64_t>(unix_ms, 0, kMax));
  EventId id = *this;
  for (int i = 0; i < 6; ++i) id.bytes[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  return id;
}

EventId EventId::FromName(std::string_view space, std::string_view name) {
  Hash digest = Sha256({space, std::string_view("\0", 1), name});
  return StampVersion8(digest.data());
}

EventId EventId::Derived(const EventId& primary, uint32_t index) {
  char suffix[4];
  for (int i = 0; i < 4; ++i) suffix[i] = static_cast<char>(index >> (24 - 8 * i));
  Hash digest = Sha256({std::string_view(reinterpret_cast<const char*>(primary.bytes.data()), 16),
                        std::string_view(suffix, 4)});
  EventId id = StampVersion8(digest.data());
  std::memcpy(id.bytes.data(), primary.bytes.data(), 6);
  return id;
}

bool EventId::IsNil() const {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

std::string EventId::ToString() const {
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    AppendHex(&bytes[i], 1, &out);
  }
  return out;
}

std::string StreamId::ToString() const {
  switch (kind) {
    case Kind::kTicket:
      return "ticket/" + std::to_string(ticket.value());
    case Kind::kQueue:
      return "queue/" + name;
    case Kind::kService:
      return "service/" + name;
  }
  return "unknown/";
}

}  // namespace tl::ledger
