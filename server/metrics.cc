#include "server/metrics.h"

#include <fmt/format.h>

namespace tl::server {

namespace {

// Request and append latencies: from 100 us (a cached read) to 2.5 s (a stalled disk).
const std::vector<double> kLatencyBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};

// Prometheus's float format: shortest round-trip, "+Inf" for infinity.
std::string Number(double v) { return fmt::format("{}", v); }

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Histogram::Write(const std::string& name, std::string* out) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    *out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, Number(bounds_[i]), cumulative);
  }
  cumulative += counts_.back().load(std::memory_order_relaxed);
  *out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
  *out += fmt::format("{}_sum {}\n", name, Number(sum_ns_.load(std::memory_order_relaxed) / 1e9));
  *out += fmt::format("{}_count {}\n", name, cumulative);
}

ServerMetrics::ServerMetrics()
    : request_seconds_(kLatencyBounds), append_seconds_(kLatencyBounds) {}

void ServerMetrics::CountRequest(int http_status, double seconds) {
  size_t slot = 0;
  while (slot < kStatuses.size() && kStatuses[slot] != http_status) ++slot;
  if (slot == kStatuses.size()) slot = kStatuses.size() - 2;  // 500
  requests_[slot].fetch_add(1, std::memory_order_relaxed);
  request_seconds_.Observe(seconds);
}

void ServerMetrics::Write(uint64_t projection_lag, std::string* out) const {
  *out += "# HELP ticketledger_http_requests_total HTTP requests answered, by status code.\n";
  *out += "# TYPE ticketledger_http_requests_total counter\n";
  for (size_t i = 0; i < kStatuses.size(); ++i) {
    *out += fmt::format("ticketledger_http_requests_total{{status=\"{}\"}} {}\n", kStatuses[i],
                        requests_[i].load(std::memory_order_relaxed));
  }
  *out +=
      "# HELP ticketledger_http_request_duration_seconds Time from a request's last byte "
      "to its response.\n";
  *out += "# TYPE ticketledger_http_request_duration_seconds histogram\n";
  request_seconds_.Write("ticketledger_http_request_duration_seconds", out);
  *out +=
      "# HELP ticketledger_append_duration_seconds Time from submitting a write to the "
      "ledger to its durable commit (or refusal).\n";
  *out += "# TYPE ticketledger_append_duration_seconds histogram\n";
  append_seconds_.Write("ticketledger_append_duration_seconds", out);
  *out += "# HELP ticketledger_http_connections_open Client connections open now.\n";
  *out += "# TYPE ticketledger_http_connections_open gauge\n";
  *out += fmt::format("ticketledger_http_connections_open {}\n", connections_open_.load());
  *out +=
      "# HELP ticketledger_http_connections_rejected_total Connections closed at once "
      "because the connection cap was reached.\n";
  *out += "# TYPE ticketledger_http_connections_rejected_total counter\n";
  *out += fmt::format("ticketledger_http_connections_rejected_total {}\n",
                      connections_rejected_.load());
  *out +=
      "# HELP ticketledger_projection_lag_events Events committed to the log but not yet "
      "applied to the read models.\n";
  *out += "# TYPE ticketledger_projection_lag_events gauge\n";
  *out += fmt::format("ticketledger_projection_lag_events {}\n", projection_lag);
}

}  // namespace tl::server
