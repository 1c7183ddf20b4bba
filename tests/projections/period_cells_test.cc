// The pieces the reports are built from: how a window splits into cells, nearest-rank
// percentiles over several sorted cells, and description keywords.
#include "projections/period_cells.h"

#include <catch2/catch.hpp>
#include <random>

#include "ledger/domain/time_format.h"
#include "projections/duration_stats.h"
#include "projections/support_volume.h"
#include "tests/support/desk.h"

using namespace tl::projections;
using tl::ledger::TimeNs;
using tl::testing::At;

namespace {

// The days a plan covers, each once: whole days, days of whole months, partial days.
std::vector<int64_t> CoveredDays(const WindowPlan& plan) {
  std::vector<int64_t> days;
  for (const auto& [first, end] : plan.day_ranges) {
    for (int64_t d = first; d < end; ++d) days.push_back(d);
  }
  if (plan.months) {
    for (int64_t d = FirstDayOfMonth(plan.months->first); d < FirstDayOfMonth(plan.months->second);
         ++d) {
      days.push_back(d);
    }
  }
  for (int64_t d : plan.partial_days) days.push_back(d);
  std::sort(days.begin(), days.end());
  return days;
}

}  // namespace

TEST_CASE("a window splits into whole months, whole days and at most two partial days",
          "[projections][cells]") {
  const Window w{At("2026-01-30T06:00:00Z"), At("2026-04-02T12:00:00Z")};
  const WindowPlan plan = PlanWindow(w, Granularity::kMonth);
  REQUIRE(plan.months);
  CHECK(FirstDayOfMonth(plan.months->first) == DayOf(At("2026-02-01T00:00:00Z")));
  CHECK(FirstDayOfMonth(plan.months->second) == DayOf(At("2026-04-01T00:00:00Z")));
  CHECK(plan.partial_days ==
        std::vector<int64_t>{DayOf(w.from), DayOf(At("2026-04-02T00:00:00Z"))});
  // Day cells: Jan 31 and Apr 1.
  REQUIRE(plan.day_ranges.size() == 2);
  CHECK(plan.day_ranges[0] == std::pair<int64_t, int64_t>{DayOf(At("2026-01-31T00:00:00Z")),
                                                          DayOf(At("2026-02-01T00:00:00Z"))});
  CHECK(plan.day_ranges[1] == std::pair<int64_t, int64_t>{DayOf(At("2026-04-01T00:00:00Z")),
                                                          DayOf(At("2026-04-02T00:00:00Z"))});
  // Within one day: one partial day.
  const WindowPlan inside =
      PlanWindow({At("2026-01-30T06:00:00Z"), At("2026-01-30T07:00:00Z")}, Granularity::kMonth);
  CHECK(inside.partial_days == std::vector<int64_t>{DayOf(At("2026-01-30T06:00:00Z"))});
  CHECK(inside.day_ranges.empty());
  CHECK_FALSE(inside.months);
  // Aligned ends: no partial days.
  const WindowPlan aligned =
      PlanWindow({At("2026-01-01T00:00:00Z"), At("2026-03-01T00:00:00Z")}, Granularity::kMonth);
  CHECK(aligned.partial_days.empty());
  CHECK(aligned.months);
  CHECK(PlanWindow({At("2026-01-01T00:00:00Z"), At("2026-01-01T00:00:00Z")}, Granularity::kDay)
            .partial_days.empty());
}

TEST_CASE("every day a window touches is covered exactly once, at either granularity",
          "[projections][cells]") {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> offset(-400 * 86400, 400 * 86400);
  for (int i = 0; i < 2000; ++i) {
    TimeNs a = At("2026-01-01T00:00:00Z") + offset(rng) * tl::ledger::kNanosPerSecond;
    TimeNs b = a + (offset(rng) % (90 * 86400) + 90 * 86400) * tl::ledger::kNanosPerSecond / 2;
    if (i % 3 == 0) a = StartOfDay(DayOf(a));  // some aligned ends
    if (i % 5 == 0) b = StartOfDay(DayOf(b));
    if (a > b) std::swap(a, b);
    std::vector<int64_t> expected;
    if (a < b) {
      for (int64_t d = DayOf(a); d <= DayOf(b - 1); ++d) expected.push_back(d);
    }
    for (Granularity g : {Granularity::kDay, Granularity::kMonth}) {
      const WindowPlan plan = PlanWindow({a, b}, g);
      INFO(tl::ledger::FormatRfc3339(a) << " .. " << tl::ledger::FormatRfc3339(b));
      CHECK(CoveredDays(plan) == expected);
      CHECK(plan.partial_days.size() <= 2);
      for (int64_t d : plan.partial_days) {
        CHECK((StartOfDay(d) < a || StartOfDay(d + 1) > b));  // partial: cut by an end
      }
      if (g == Granularity::kDay) CHECK_FALSE(plan.months);
    }
  }
  // Unbounded ends stay inside the representable days.
  const WindowPlan all = PlanWindow(Window{}, Granularity::kMonth);
  CHECK(all.months);
}

TEST_CASE("nearest-rank percentiles over several sorted cells and single values",
          "[projections][cells]") {
  auto stats = [](const std::vector<std::vector<int64_t>>& cells,
                  const std::vector<int64_t>& loose) {
    std::vector<SortedDurations> sorted(cells.size());
    DurationSelection selection;
    for (size_t i = 0; i < cells.size(); ++i) {
      for (int64_t v : cells[i]) sorted[i].Insert(v * tl::ledger::kNanosPerSecond);
      selection.AddCell(sorted[i]);
    }
    for (int64_t v : loose) selection.AddValue(v * tl::ledger::kNanosPerSecond);
    return selection.Stats(std::nullopt);
  };
  constexpr int64_t kS = tl::ledger::kNanosPerSecond;
  // 1..100 spread over cells: p50 = 50, p90 = 90, p95 = 95.
  std::vector<std::vector<int64_t>> cells(7);
  std::vector<int64_t> loose;
  for (int64_t v = 1; v <= 100; ++v) {
    if (v % 9 == 0) {
      loose.push_back(v);
    } else {
      cells[v % 7].push_back(v);
    }
  }
  auto o = stats(cells, loose);
  CHECK(o.count == 100);
  CHECK(o.p50_ns == 50 * kS);
  CHECK(o.p90_ns == 90 * kS);
  CHECK(o.p95_ns == 95 * kS);
  CHECK(o.max_ns == 100 * kS);
  CHECK(o.mean_s == 50.5);
  CHECK_FALSE(o.pending);
  // 19 values: ranks 10, 18 (17.1 up), 19 (18.05 up).
  o = stats({{1, 3, 5, 7, 9, 11, 13, 15, 17, 19}, {2, 4, 6, 8, 10, 12, 14, 16, 18}}, {});
  CHECK(o.p50_ns == 10 * kS);
  CHECK(o.p90_ns == 18 * kS);
  CHECK(o.p95_ns == 19 * kS);
  // One value is every percentile; equal values; an empty set has no statistics.
  o = stats({{42}}, {});
  CHECK(o.p50_ns == 42 * kS);
  CHECK(o.p95_ns == 42 * kS);
  o = stats({{5, 5}, {5}}, {5});
  CHECK(o.p50_ns == 5 * kS);
  CHECK(o.count == 4);
  o = stats({}, {});
  CHECK(o.count == 0);
  CHECK_FALSE(o.p50_ns);
  CHECK_FALSE(o.mean_s);
  CHECK_FALSE(o.max_ns);
  // Sub-second values stay exact; `pending` is passed through.
  SortedDurations half;
  half.Insert(kS / 2);
  DurationSelection s;
  s.AddCell(half);
  const tl::projections::DurationStats h = s.Stats(3);
  CHECK(h.p50_ns == kS / 2);
  CHECK(h.mean_s == 0.5);
  CHECK(h.pending == 3u);
}

TEST_CASE("sorted cells take back exactly what they were given", "[projections][cells]") {
  SortedDurations a, b;
  for (int64_t v : {5, 1, 3, 3, 9}) a.Insert(v);
  a.Erase(3);
  CHECK(a.values() == std::vector<int64_t>{1, 3, 5, 9});
  CHECK(a.sum().seconds == 0);
  CHECK(a.sum().nanos == 18);
  b.Insert(4);
  a.Merge(b);
  CHECK(a.values() == std::vector<int64_t>{1, 3, 4, 5, 9});
}

TEST_CASE("keywords are the trimmed, lower-cased, distinct terms between commas and semicolons",
          "[projections][cells]") {
  CHECK(DescriptionKeywords("Login, password reset; VPN") ==
        std::vector<std::string>{"login", "password reset", "vpn"});
  CHECK(DescriptionKeywords(" login ;LOGIN,,; ") == std::vector<std::string>{"login"});
  CHECK(DescriptionKeywords("ÆRLIG, Østlandet, Å") ==
        std::vector<std::string>{"å", "ærlig", "østlandet"});
  CHECK(DescriptionKeywords("\t\n") == std::vector<std::string>{});
  CHECK(DescriptionKeywords("Ελληνικά, ×") == std::vector<std::string>{"×", "Ελληνικά"});
}
