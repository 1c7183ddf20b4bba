// StrongId (ledger/domain/strong_id.h): a counter that converts to and from an integer only
// when asked, yet hashes, formats and prints as its number, so that nothing that stores or
// shows one changes when a uint64_t becomes one.
#include "ledger/domain/strong_id.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <sstream>
#include <type_traits>
#include <unordered_set>

#include "ledger/domain/types.h"

using tl::ledger::StrongId;

namespace {

using Apples = StrongId<struct ApplesTag>;
using Pears = StrongId<struct PearsTag>;

}  // namespace

// Two ids with different tags are different types: neither converts to the other, nor to or
// from an integer unless the code says so.
static_assert(!std::is_convertible_v<Apples, Pears>);
static_assert(!std::is_constructible_v<Apples, Pears>);
static_assert(!std::is_convertible_v<uint64_t, Apples>);
static_assert(!std::is_convertible_v<int, Apples>);
static_assert(!std::is_convertible_v<Apples, uint64_t>);
static_assert(!std::is_convertible_v<Apples, bool>);
static_assert(std::is_constructible_v<Apples, uint64_t>);  // explicitly, at the boundaries
static_assert(sizeof(Apples) == sizeof(uint64_t) && std::is_trivially_copyable_v<Apples>);

// Zero is "none" or "empty", and it is what a default one holds.
static_assert(Apples{}.value() == 0 && Apples{}.is_zero());
static_assert(!Apples{1}.is_zero());
static_assert(Apples{41}.Next() == Apples{42});
static_assert(Apples{42}.Prev() == Apples{41});
static_assert(Apples{1} < Apples{2} && Apples{2} >= Apples{2});
static_assert(Apples::Max().value() == UINT64_MAX);

// The ledger's three counters (types.h): a seq passed where a ticket id or a version is
// expected, or a bare number where any of them is, does not compile.
namespace ids {
using tl::ledger::Seq;
using tl::ledger::TicketId;
using tl::ledger::Version;
static_assert(!std::is_convertible_v<Seq, TicketId> && !std::is_convertible_v<TicketId, Seq>);
static_assert(!std::is_convertible_v<Seq, Version> && !std::is_convertible_v<Version, Seq>);
static_assert(!std::is_convertible_v<TicketId, Version> &&
              !std::is_convertible_v<Version, TicketId>);
static_assert(!std::is_constructible_v<Seq, TicketId> &&
              !std::is_constructible_v<TicketId, Version>);
static_assert(!std::is_convertible_v<uint64_t, Seq> && !std::is_convertible_v<uint64_t, Version> &&
              !std::is_convertible_v<uint64_t, TicketId>);
static_assert(!std::is_convertible_v<Seq, uint64_t> && !std::is_convertible_v<TicketId, uint64_t>);
}  // namespace ids

TEST_CASE("a strong id hashes, formats and prints as its number", "[ids]") {
  CHECK(std::hash<Apples>{}(Apples{42}) == std::hash<uint64_t>{}(42));
  CHECK(fmt::format("{}", Apples{42}) == "42");
  CHECK(fmt::format("{:>5}", Apples{7}) == "    7");
  CHECK(fmt::format("{}", Apples::Max()) == "18446744073709551615");
  std::ostringstream out;
  out << Apples{1234};
  CHECK(out.str() == "1234");
}

TEST_CASE("a strong id counts up one at a time", "[ids]") {
  Apples a{9};
  CHECK((++a).value() == 10);
  CHECK((a++).value() == 10);
  CHECK(a == Apples{11});
  std::unordered_set<Apples> seen{Apples{1}, Apples{2}, Apples{1}};
  CHECK(seen.size() == 2);
}
