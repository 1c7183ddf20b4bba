// IdSet against std::set as the oracle: the list filters page through it by cursor, so every
// insert, erase and cursor position must agree, including ids past 32 bits.
#include "projections/id_set.h"

#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <vector>

using tl::ledger::TicketId;
using tl::projections::IdSet;

namespace {

std::vector<TicketId> From(const IdSet& set, TicketId after) {
  std::vector<TicketId> ids;
  for (auto c = set.After(after); c.valid(); c.Next()) ids.push_back(c.id());
  return ids;
}

std::vector<TicketId> From(const std::set<TicketId>& set, TicketId after) {
  return std::vector<TicketId>(set.upper_bound(after), set.end());
}

}  // namespace

TEST_CASE("IdSet agrees with std::set under random inserts and erases", "[ids]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    std::mt19937_64 rng(seed);
    // Dense low ids (a real history), a few sparse ones, and some past 32 bits.
    auto draw = [&]() -> TicketId {
      switch (rng() % 10) {
        case 0:
          return TicketId{(uint64_t{1} << 32) - 2 + rng() % 4};  // around the 32-bit edge
        case 1:
          return TicketId{(uint64_t{1} << 40) + rng() % 50};
        case 2:
          return TicketId{1 + rng() % 5'000'000};
        default:
          return TicketId{1 + rng() % 5000};
      }
    };
    IdSet set;
    std::set<TicketId> oracle;
    for (int step = 0; step < 20000; ++step) {
      const TicketId id = draw();
      if (rng() % 3 == 0) {
        set.Erase(id);
        oracle.erase(id);
      } else {
        set.Insert(id);
        oracle.insert(id);
      }
      if (step % 2000 == 0) {
        REQUIRE(set.size() == oracle.size());
        for (TicketId after : {TicketId{0}, TicketId{1}, TicketId{2500}, draw(),
                               TicketId{(uint64_t{1} << 32) - 1}, TicketId{uint64_t{1} << 32}}) {
          REQUIRE(From(set, after) == From(oracle, after));
        }
      }
    }
    REQUIRE(set.size() == oracle.size());
    REQUIRE(From(set, TicketId{0}) == From(oracle, TicketId{0}));
  }
}

TEST_CASE("IdSet: an empty set, and a cursor past the last id", "[ids]") {
  IdSet set;
  CHECK(set.empty());
  CHECK_FALSE(set.After(TicketId{0}).valid());
  set.Insert(TicketId{7});
  set.Insert(TicketId{3});
  CHECK(set.size() == 2);
  CHECK(From(set, TicketId{0}) == std::vector<TicketId>{TicketId{3}, TicketId{7}});
  CHECK(From(set, TicketId{3}) == std::vector<TicketId>{TicketId{7}});
  CHECK_FALSE(set.After(TicketId{7}).valid());
  CHECK_FALSE(set.After(TicketId::Max()).valid());
  set.Erase(TicketId{3});
  set.Erase(TicketId{3});  // erasing what is not there is a no-op
  CHECK(From(set, TicketId{0}) == std::vector<TicketId>{TicketId{7}});
}
