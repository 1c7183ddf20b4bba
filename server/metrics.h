// The server's own Prometheus families (text format 0.0.4), beside the projections' event
// families (Projections::WriteMetrics): request counts by HTTP status, request and append
// durations, open connections, projection lag. Labels are only `status` (an HTTP status code
// here): never ticket ids, paths with ids, or people.
//
// Thread-safety: Observe/Add may be called from any thread (relaxed atomics; a scrape may see
// a count and a sum from slightly different moments, which Prometheus tolerates).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace tl::server {

// A histogram with fixed upper bounds in seconds; +Inf is implicit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double seconds);
  // Appends the _bucket, _sum and _count lines (HELP/TYPE are the caller's).
  void Write(const std::string& name, std::string* out) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> counts_;  // one per bound, plus +Inf; not cumulative
  std::atomic<uint64_t> sum_ns_{0};
};

class ServerMetrics {
 public:
  ServerMetrics();

  void CountRequest(int http_status, double seconds);
  void ObserveAppend(double seconds) { append_seconds_.Observe(seconds); }
  void ConnectionOpened() { connections_open_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionRejected() { connections_rejected_.fetch_add(1, std::memory_order_relaxed); }
  int64_t connections_open() const { return connections_open_.load(); }

  // All server families; `projection_lag` is the log head's seq minus the projections' applied.
  void Write(uint64_t projection_lag, std::string* out) const;

 private:
  // HTTP statuses the server answers; anything else is counted as 500 (it would be a bug).
  static constexpr std::array<int, 13> kStatuses = {200, 201, 400, 401, 403, 404, 405,
                                                    409, 413, 422, 431, 500, 503};
  std::array<std::atomic<uint64_t>, kStatuses.size()> requests_{};
  Histogram request_seconds_;
  Histogram append_seconds_;
  std::atomic<int64_t> connections_open_{0};
  std::atomic<uint64_t> connections_rejected_{0};
};

}  // namespace tl::server
