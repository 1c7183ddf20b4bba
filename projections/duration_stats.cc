#include "projections/duration_stats.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace tl::projections {

using ledger::kNanosPerSecond;

void DurationSum::Add(int64_t ns, int sign) {
  seconds += sign * (ns / kNanosPerSecond);
  nanos += sign * (ns % kNanosPerSecond);
}

void DurationSum::Merge(const DurationSum& other) {
  seconds += other.seconds;
  nanos += other.nanos;
}

double DurationSum::Seconds() const {
  return static_cast<double>(seconds) + static_cast<double>(nanos) / kNanosPerSecond;
}

void SortedDurations::Insert(int64_t ns) {
  values_.insert(std::upper_bound(values_.begin(), values_.end(), ns), ns);
  sum_.Add(ns, +1);
}

void SortedDurations::Erase(int64_t ns) {
  auto it = std::lower_bound(values_.begin(), values_.end(), ns);
  assert(it != values_.end() && *it == ns);  // a model only takes back what it added
  if (it == values_.end() || *it != ns) return;
  values_.erase(it);
  sum_.Add(ns, -1);
}

void SortedDurations::Merge(const SortedDurations& other) {
  const auto middle = static_cast<std::ptrdiff_t>(values_.size());
  values_.insert(values_.end(), other.values_.begin(), other.values_.end());
  std::inplace_merge(values_.begin(), values_.begin() + middle, values_.end());
  sum_.Merge(other.sum_);
}

void SortedDurations::Encode(CheckpointWriter& out) const {
  // Ascending values as deltas: small varints.
  out.PutVarint(values_.size());
  int64_t previous = 0;
  for (int64_t v : values_) {
    out.PutSigned(v - previous);
    previous = v;
  }
}

void SortedDurations::Decode(CheckpointReader& in) {
  const uint64_t n = in.GetCount();
  values_.clear();
  values_.reserve(n);
  sum_ = {};
  int64_t previous = 0;
  for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
    const int64_t delta = in.GetSigned();
    if (delta < 0) in.Fail("durations out of order");
    previous += delta;
    values_.push_back(previous);
    sum_.Add(previous, +1);
  }
}

void DurationSelection::AddCell(const SortedDurations& cell) {
  if (cell.empty()) return;
  spans_.emplace_back(cell.values());
  sum_.Merge(cell.sum());
}

void DurationSelection::AddValue(int64_t ns) {
  loose_.push_back(ns);
  loose_sorted_ = false;
  sum_.Add(ns, +1);
}

uint64_t DurationSelection::count() const {
  uint64_t n = loose_.size();
  for (const auto& s : spans_) n += s.size();
  return n;
}

int64_t DurationSelection::KthSmallest(uint64_t k) {
  if (!loose_sorted_) {
    std::sort(loose_.begin(), loose_.end());
    loose_sorted_ = true;
  }
  std::vector<std::span<const int64_t>> spans = spans_;
  if (!loose_.empty()) spans.emplace_back(loose_);
  if (spans.size() == 1) return spans[0][k - 1];
  int64_t lo = spans[0].front(), hi = spans[0].back();
  for (const auto& s : spans) {
    lo = std::min(lo, s.front());
    hi = std::max(hi, s.back());
  }
  // The smallest v with at least k values <= v is a value of the set.
  while (lo < hi) {
    const int64_t mid = std::midpoint(lo, hi);  // rounds towards lo
    uint64_t at_most = 0;
    for (const auto& s : spans) {
      at_most += static_cast<uint64_t>(std::upper_bound(s.begin(), s.end(), mid) - s.begin());
    }
    if (at_most >= k) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

DurationStats DurationSelection::Stats(std::optional<uint64_t> pending) {
  DurationStats out;
  const uint64_t n = count();
  out.count = n;
  out.pending = pending;
  if (n == 0) return out;
  // Nearest rank: the smallest v such that at least p % of the values are <= v.
  auto rank = [n](uint64_t p) { return std::max<uint64_t>(1, (p * n + 99) / 100); };
  out.p50_ns = KthSmallest(rank(50));
  out.p90_ns = KthSmallest(rank(90));
  out.p95_ns = KthSmallest(rank(95));
  out.mean_s = sum_.Seconds() / static_cast<double>(n);
  out.max_ns = KthSmallest(n);
  return out;
}

}  // namespace tl::projections
