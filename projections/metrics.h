// The event-derived Prometheus families of docs/api.md "Operations", as a read model so that they
// survive restarts through checkpoints (counters only grow; a restart must not reset them):
//   ticketledger_first_response_seconds  histogram, one observation at a ticket's first reply
//   ticketledger_resolution_seconds      histogram, one observation at each resolution
//       both labelled with the ticket's service, queue and category at that event
//   ticketledger_tickets_open            gauge by service, queue, status (all categories)
//   ticketledger_tickets_created_total   counter by service and category (at creation)
//   ticketledger_events_total            counter of every event
// Histograms share the bucket bounds below. Labels never carry ticket ids or people. A gauge
// series at 0 is not written (Prometheus' guidance for label sets that only grow).
//
// Bounded labels (docs/api.md "Operations", v2): a scrape keeps the service and the queue labels'
// own values only for the `top_values` most frequent of each, by tickets created (ties by name);
// the rest are summed into the value `other`. Services and queues only accumulate over years,
// and every (service, queue, category) histogram is a dozen series: without a bound, the three
// real logs imported together made a 4 MB scrape of 42 k series. Category and status are enums.
// The counts behind the ranking are kept in the read model, so a scrape is a pure function of
// the events.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "projections/duration_stats.h"
#include "projections/read_model.h"

namespace tl::projections {

// The histogram bucket bounds in seconds: 5 min, 15 min, 1 h, 2 h, 4 h, 8 h, 1 d, 3 d, 7 d
// (and +Inf).
// The label value the rest are summed into.
inline constexpr std::string_view kOtherLabelValue = "other";

inline constexpr std::array<int64_t, 9> kBucketBounds = {300,   900,   3600,   7200,  14400,
                                                         28800, 86400, 259200, 604800};

class Metrics : public ReadModel {
 public:
  explicit Metrics(Names& names) : names_(names) {}
  std::string_view name() const override { return "metrics"; }
  uint32_t version() const override { return 2; }  // 2: tickets created per queue
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  // Appends the families in text format 0.0.4, HELP and TYPE lines included, with the service
  // and queue labels bounded to their `top_values` most frequent values (see above).
  void Write(std::string* out, size_t top_values) const;
  uint64_t events_total() const { return events_total_; }

 private:
  struct Histogram {
    std::array<uint64_t, kBucketBounds.size() + 1> buckets{};  // per bucket, not cumulative
    DurationSum sum;
    void Observe(int64_t ns);
  };
  using OpenKey = std::tuple<NameId, NameId, ledger::TicketStatus>;  // service, queue, status
  using CreatedKey = std::pair<NameId, ledger::Category>;            // service, category
  struct OpenKeyHash {
    size_t operator()(const OpenKey& k) const {
      const size_t status = static_cast<size_t>(std::get<2>(k));
      return GroupKeyHash{}(GroupKey{std::get<0>(k), std::get<1>(k), {}}) ^ (status << 56);
    }
  };
  struct CreatedKeyHash {
    size_t operator()(const CreatedKey& k) const {
      return GroupKeyHash{}(GroupKey{k.first, 0, k.second});
    }
  };
  // Hashed, not ordered: a lookup per event, and every output sorts by label strings anyway (an
  // ordered map's key comparisons were 3.5 % of the fold, perf).
  using HistogramSeries = std::unordered_map<GroupKey, Histogram, GroupKeyHash>;

  class Labeller;  // service and queue label values, bounded (metrics.cc)
  void WriteHistogram(std::string* out, std::string_view family, std::string_view help,
                      const HistogramSeries& series, const Labeller& label) const;

  Names& names_;
  HistogramSeries first_response_;
  HistogramSeries resolution_;
  std::unordered_map<OpenKey, int64_t, OpenKeyHash> open_;
  std::unordered_map<CreatedKey, uint64_t, CreatedKeyHash> created_;
  std::unordered_map<NameId, uint64_t> created_per_queue_;  // ranks the queue label's values
  uint64_t events_total_ = 0;
};

}  // namespace tl::projections
