#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "ledger/domain/types.h"

using namespace tl::ledger;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t TimePrefix(const EventId& id) {
  int64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = ms << 8 | id.bytes[i];
  return ms;
}

int UuidVersion(const EventId& id) { return id.bytes[6] >> 4; }
int Variant(const EventId& id) { return id.bytes[8] >> 6; }

}  // namespace

TEST_CASE("a generated event id is a version-7 UUID stamped with the time it was drawn", "[ids]") {
  const int64_t before = NowMs();
  const EventId id = EventId::Random();
  const int64_t after = NowMs();
  CHECK(UuidVersion(id) == 7);
  CHECK(Variant(id) == 2);
  CHECK(TimePrefix(id) >= before);
  CHECK(TimePrefix(id) <= after);
  REQUIRE(EventId::Parse(id.ToString()).ok());
  CHECK(*EventId::Parse(id.ToString()) == id);
}

TEST_CASE("generated ids are distinct and rise with the time they were drawn", "[ids]") {
  std::set<EventId> seen;
  for (int i = 0; i < 20000; ++i) CHECK(seen.insert(EventId::Random()).second);
  const EventId earlier = EventId::Random();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const EventId later = EventId::Random();
  CHECK(earlier < later);
  CHECK(earlier.bytes < later.bytes);  // the order of the event-id index's keys
}

TEST_CASE("a derived id keeps its primary's time prefix and is a version-8 UUID", "[ids]") {
  const EventId primary = EventId::Random();
  std::set<EventId> seen = {primary};
  for (uint32_t i = 1; i <= 5; ++i) {
    const EventId derived = EventId::Derived(primary, i);
    CHECK(TimePrefix(derived) == TimePrefix(primary));
    CHECK(UuidVersion(derived) == 8);
    CHECK(Variant(derived) == 2);
    CHECK(derived == EventId::Derived(primary, i));  // stable: a retry derives the same ids
    CHECK(seen.insert(derived).second);
  }
  // A client's own id (any UUID) passes its first 48 bits on in the same way.
  const EventId client = *EventId::Parse("f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  CHECK(TimePrefix(EventId::Derived(client, 1)) == TimePrefix(client));
}

TEST_CASE("a time prefix replaces the first 48 bits only, clamped to what they hold", "[ids]") {
  const EventId named = EventId::FromName("test", "row");
  const EventId stamped = named.WithTimePrefix(1767603600123);
  CHECK(TimePrefix(stamped) == 1767603600123);
  CHECK(std::equal(stamped.bytes.begin() + 6, stamped.bytes.end(), named.bytes.begin() + 6));
  CHECK(UuidVersion(stamped) == 8);
  CHECK(TimePrefix(named.WithTimePrefix(-5)) == 0);
  CHECK(TimePrefix(named.WithTimePrefix(int64_t{1} << 50)) == (int64_t{1} << 48) - 1);
}
