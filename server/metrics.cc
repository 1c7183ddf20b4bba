#include "server/metrics.h"

#include <fmt/format.h>

#include <iterator>

namespace tl::server {

namespace {

// Request and append latencies: from 100 us (a cached read) to 2.5 s (a stalled disk).
const std::vector<double> kLatencyBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};

// HTTP statuses the server answers; anything else is counted as 500 (it would be a bug).
constexpr std::array<int, 13> kStatuses = {200, 201, 400, 401, 403, 404, 405,
                                           409, 413, 422, 431, 500, 503};

// The route label of a request no route matched (a 404, or a request that could not be read).
constexpr std::string_view kNoRoute = "none";

// Prometheus's float format: shortest round-trip, "+Inf" for infinity.
std::string Number(double v) { return fmt::format("{}", v); }

void Header(std::string* out, std::string_view family, std::string_view help,
            std::string_view type) {
  fmt::format_to(std::back_inserter(*out), "# HELP {} {}\n# TYPE {} {}\n", family, help, family,
                 type);
}

int BoundedStatus(int status) {
  for (int known : kStatuses) {
    if (known == status) return status;
  }
  return 500;
}

}  // namespace

std::string_view MethodLabel(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Histogram::Write(const std::string& name, std::string_view labels, std::string* out) const {
  const std::string sep = labels.empty() ? "" : ",";
  auto at = std::back_inserter(*out);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    fmt::format_to(at, "{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, Number(bounds_[i]),
                   cumulative);
  }
  cumulative += counts_.back().load(std::memory_order_relaxed);
  fmt::format_to(at, "{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, cumulative);
  const std::string braced = labels.empty() ? "" : fmt::format("{{{}}}", labels);
  fmt::format_to(at, "{}_sum{} {}\n", name, braced,
                 Number(sum_ns_.load(std::memory_order_relaxed) / 1e9));
  fmt::format_to(at, "{}_count{} {}\n", name, braced, cumulative);
}

ServerMetrics::ServerMetrics(Options options)
    : options_(std::move(options)), append_seconds_(kLatencyBounds) {}

void ServerMetrics::CountRequest(const RequestLabels& labels, double seconds) {
  const std::string_view route = labels.route.empty() ? kNoRoute : labels.route;
  const std::string_view method = MethodLabel(labels.method);
  Histogram* histogram;
  {
    std::lock_guard lock(mutex_);
    ++requests_[{route, method, BoundedStatus(labels.status)}];
    if (!labels.error_code.empty()) {
      auto it = errors_.find(labels.error_code);
      if (it == errors_.end()) it = errors_.emplace(std::string(labels.error_code), 0).first;
      ++it->second;
    }
    auto& slot = request_seconds_[{route, method}];
    if (!slot) slot = std::make_unique<Histogram>(kLatencyBounds);
    histogram = slot.get();  // never removed, so it outlives the lock
  }
  histogram->Observe(seconds);
}

void ServerMetrics::Write(uint64_t projection_lag, std::string* out) const {
  auto at = std::back_inserter(*out);
  Header(out, "ticketledger_build_info", "The running build: always 1, labelled with its version.",
         "gauge");
  fmt::format_to(at, "ticketledger_build_info{{version=\"{}\"}} 1\n", options_.version);
  {
    std::lock_guard lock(mutex_);
    Header(out, "ticketledger_http_requests_total",
           "HTTP requests answered, by route pattern, method and status code.", "counter");
    for (const auto& [key, n] : requests_) {
      const auto& [route, method, status] = key;
      fmt::format_to(at,
                     "ticketledger_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} "
                     "{}\n",
                     route, method, status, n);
    }
    Header(out, "ticketledger_http_request_duration_seconds",
           "Time from a request's last byte to its response, by route pattern and method.",
           "histogram");
    for (const auto& [key, histogram] : request_seconds_) {
      histogram->Write("ticketledger_http_request_duration_seconds",
                       fmt::format("route=\"{}\",method=\"{}\"", key.first, key.second), out);
    }
    Header(out, "ticketledger_http_errors_total",
           "Error answers by their JSON code (docs/api.md, Errors): corruption, storage_full, "
           "unavailable and ledger_corrupt are the faults.",
           "counter");
    for (const auto& [code, n] : errors_) {
      fmt::format_to(at, "ticketledger_http_errors_total{{code=\"{}\"}} {}\n", code, n);
    }
  }
  Header(out, "ticketledger_append_duration_seconds",
         "Time from submitting a write to the ledger to its durable commit (or refusal).",
         "histogram");
  append_seconds_.Write("ticketledger_append_duration_seconds", "", out);
  Header(out, "ticketledger_http_connections_open", "Client connections open now.", "gauge");
  fmt::format_to(at, "ticketledger_http_connections_open {}\n", connections_open_.load());
  Header(out, "ticketledger_http_connections_rejected_total",
         "Connections closed at once because the connection cap was reached.", "counter");
  fmt::format_to(at, "ticketledger_http_connections_rejected_total {}\n",
                 connections_rejected_.load());
  Header(out, "ticketledger_projection_lag_events",
         "Events committed to the log but not yet applied to the read models.", "gauge");
  fmt::format_to(at, "ticketledger_projection_lag_events {}\n", projection_lag);
}

}  // namespace tl::server
