// CellTable against a std::map doing the same: random updates that create, change and erase
// cells (the erasures exercise the moved last entry and the backward shift of probe runs),
// checked after every step through lookups, ordered visits and the size.
#include "projections/cell_table.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <tuple>
#include <vector>

using tl::projections::CellTable;
using tl::projections::GroupKey;

namespace {

struct Counter {
  int64_t n = 0;
  bool empty() const { return n == 0; }
};

using Oracle = std::map<std::pair<int64_t, GroupKey>, int64_t>;

std::vector<std::tuple<int64_t, GroupKey, int64_t>> Visited(const CellTable<Counter>& table,
                                                            int64_t first, int64_t end) {
  std::vector<std::tuple<int64_t, GroupKey, int64_t>> out;
  table.VisitRange(first, end, [&](int64_t period, const GroupKey& group, const Counter& cell) {
    out.emplace_back(period, group, cell.n);
  });
  return out;
}

std::vector<std::tuple<int64_t, GroupKey, int64_t>> Expected(const Oracle& oracle, int64_t first,
                                                             int64_t end) {
  std::vector<std::tuple<int64_t, GroupKey, int64_t>> out;
  for (const auto& [key, n] : oracle) {
    if (key.first >= first && key.first < end) out.emplace_back(key.first, key.second, n);
  }
  return out;
}

}  // namespace

TEST_CASE("a cell table agrees with an ordered map under random updates and erasures",
          "[projections][cells]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    CellTable<Counter> table;
    Oracle oracle;
    // Few periods and groups, so cells are created and erased again and again.
    std::uniform_int_distribution<int64_t> period(-3, 40);
    std::uniform_int_distribution<uint32_t> name(0, 5);
    std::uniform_int_distribution<int> category(0, 4), delta(-2, 3);
    for (int step = 0; step < 20000; ++step) {
      const int64_t p = period(rng);
      const GroupKey g{name(rng), name(rng), static_cast<tl::ledger::Category>(category(rng))};
      // Take back only what a cell holds, as the models do: a cell never goes below zero.
      int64_t& expected = oracle[{p, g}];
      const int64_t d = std::max<int64_t>(delta(rng), -expected);
      expected += d;
      if (expected == 0) oracle.erase({p, g});
      table.Modify(p, g, [&](Counter& cell) { cell.n += d; });

      const Counter* found = table.Find(p, g);
      const auto it = oracle.find({p, g});
      REQUIRE((found != nullptr) == (it != oracle.end()));
      if (found) REQUIRE(found->n == it->second);
      REQUIRE(table.size() == oracle.size());
      if (step % 997 == 0) {
        REQUIRE(Visited(table, INT64_MIN, INT64_MAX) == Expected(oracle, INT64_MIN, INT64_MAX));
        REQUIRE(Visited(table, 5, 17) == Expected(oracle, 5, 17));
      }
    }
    // Every cell still found after all the moves and shifts.
    for (const auto& [key, n] : oracle) {
      const Counter* found = table.Find(key.first, key.second);
      REQUIRE(found);
      CHECK(found->n == n);
    }
    // Emptying every cell empties the table.
    for (const auto& [key, n] : oracle) {
      table.Modify(key.first, key.second, [&, n = n](Counter& cell) { cell.n -= n; });
    }
    CHECK(table.size() == 0);
    CHECK(Visited(table, INT64_MIN, INT64_MAX).empty());
  }
}

TEST_CASE("a cell table inserts a cell once", "[projections][cells]") {
  CellTable<Counter> table;
  const GroupKey g{1, 2, tl::ledger::Category::kIncident};
  CHECK(table.Insert(7, g, Counter{5}));
  CHECK_FALSE(table.Insert(7, g, Counter{9}));
  REQUIRE(table.Find(7, g));
  CHECK(table.Find(7, g)->n == 5);
  CHECK_FALSE(table.Find(8, g));
}
