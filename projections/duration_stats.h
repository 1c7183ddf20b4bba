// Durations (nanoseconds) kept sorted in report cells, and the statistics of docs/api.md over the
// union of several cells: count, nearest-rank percentiles, mean, max. The union is never
// copied: a percentile is found by binary search over the value range, counting in each
// cell's sorted vector, so its cost grows with the number of cells, not of values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ledger/domain/types.h"
#include "projections/checkpoint_codec.h"
#include "projections/report_types.h"

namespace tl::projections {

// An exact sum of nanosecond durations (an int64 of nanoseconds overflows after ~292 years of
// summed durations; whole seconds and the nanosecond remainders each fit).
struct DurationSum {
  int64_t seconds = 0;
  int64_t nanos = 0;
  void Add(int64_t ns, int sign);
  void Merge(const DurationSum& other);
  double Seconds() const;
  bool operator==(const DurationSum&) const = default;
};

class SortedDurations {
 public:
  void Insert(int64_t ns);
  // Removes one occurrence of `ns`, which must be present.
  void Erase(int64_t ns);
  void Merge(const SortedDurations& other);
  bool empty() const { return values_.empty(); }
  const std::vector<int64_t>& values() const { return values_; }
  const DurationSum& sum() const { return sum_; }

  void Encode(CheckpointWriter& out) const;
  void Decode(CheckpointReader& in);

 private:
  std::vector<int64_t> values_;  // ascending
  DurationSum sum_;
};

// The statistics of one report group, gathered from cells and single tickets.
class DurationSelection {
 public:
  void AddCell(const SortedDurations& cell);
  void AddValue(int64_t ns);  // one ticket's value (a partly covered day)

  uint64_t count() const;
  // Count, nearest-rank p50, p90, p95, mean and max; `pending` is passed through. Statistics of
  // an empty set are nullopt.
  DurationStats Stats(std::optional<uint64_t> pending);

 private:
  int64_t KthSmallest(uint64_t k);  // 1-based; needs count() >= k

  std::vector<std::span<const int64_t>> spans_;
  std::vector<int64_t> loose_;  // single values, sorted lazily
  bool loose_sorted_ = true;
  DurationSum sum_;
};

}  // namespace tl::projections
