// The server's own Prometheus families (text format 0.0.4), beside the projections' event
// families (Projections::WriteMetrics): requests by route, method and status, their durations
// by route and method, error answers by their JSON code, append durations, open connections,
// projection lag, build information. Labels are bounded by construction (docs/operations.md,
// "Metrics"): a route is a pattern of the route table (never a path with ids), a method one of
// the few HTTP methods or "other", a status one the server answers, an error code one of
// docs/api.md's; never ticket ids or people.
//
// Thread-safety: every method may be called from any thread. Request counts are kept under one
// mutex: a lookup per request in small maps keyed by views of stable strings (the route table's
// patterns, the method names), so counting allocates nothing after a key's first request.
// Histograms and gauges are relaxed atomics, so a scrape may see a count and a sum from slightly
// different moments, which Prometheus tolerates.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "projections/projections.h"

namespace tl::server {

// A histogram with fixed upper bounds in seconds; +Inf is implicit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double seconds);
  // Appends the _bucket, _sum and _count lines (HELP/TYPE are the caller's); `labels` (may be
  // empty) go before `le`, e.g. `route="/metrics",method="GET"`.
  void Write(const std::string& name, std::string_view labels, std::string* out) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> counts_;  // one per bound, plus +Inf; not cumulative
  std::atomic<uint64_t> sum_ns_{0};
};

// One answered request, as the metrics label it.
struct RequestLabels {
  // The route table's pattern, kept as a view: the table must outlive the metrics' last scrape
  // (it does wherever a server is wired). Empty: no route matched.
  std::string_view route;
  std::string_view method;
  int status = 200;
  std::string_view error_code;  // the JSON error's code; empty for a success
};

// What the server's metrics are told at start (outside the class: a default argument may not
// use a nested class's member initializers before the enclosing class is complete).
struct ServerMetricsOptions {
  std::string version = "unknown";  // ticketledger_build_info{version}
  // The service and queue labels of the event families keep their own values for this many
  // of their most frequent (projections/metrics.h, "Bounded labels").
  size_t top_label_values = projections::kDefaultTopLabelValues;
};

class ServerMetrics {
 public:
  using Options = ServerMetricsOptions;
  explicit ServerMetrics(Options options = {});

  void CountRequest(const RequestLabels& labels, double seconds);
  void ObserveAppend(double seconds) { append_seconds_.Observe(seconds); }
  void ConnectionOpened() { connections_open_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionRejected() { connections_rejected_.fetch_add(1, std::memory_order_relaxed); }
  int64_t connections_open() const { return connections_open_.load(); }
  size_t top_label_values() const { return options_.top_label_values; }

  // All server families; `projection_lag` is the log head's seq minus the projections' applied.
  void Write(uint64_t projection_lag, std::string* out) const;

 private:
  // The label values a request is counted under: bounded (see the file comment).
  // Views of the route table's patterns and of MethodLabel's names.
  using RequestKey = std::tuple<std::string_view, std::string_view, int>;  // route, method, status
  using RouteKey = std::pair<std::string_view, std::string_view>;          // route, method

  Options options_;
  mutable std::mutex mutex_;  // guards the three maps (not the histograms they point to)
  std::map<RequestKey, uint64_t> requests_;
  std::map<RouteKey, std::unique_ptr<Histogram>> request_seconds_;
  std::map<std::string, uint64_t, std::less<>> errors_;  // by JSON error code
  Histogram append_seconds_;
  std::atomic<int64_t> connections_open_{0};
  std::atomic<uint64_t> connections_rejected_{0};
};

// The label value of an HTTP method: its name for the methods HTTP defines, "other" for any
// other token a client sends (which must not become a label value of its own).
std::string_view MethodLabel(std::string_view method);

}  // namespace tl::server
