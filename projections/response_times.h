// Response times (API.md `GET /api/v1/reports/response-times`): per ticket, the first response
// (first reply minus creation; the acknowledgement is not a reply) and, while the ticket is
// resolved, its resolution time (time in new or open before the latest resolution, kept by
// ledger::TicketState). Cells by creation day/month x current service x queue x category hold
// the sorted values, so percentiles are exact nearest-rank over any window.
#pragma once

#include <boost/json/object.hpp>

#include "projections/duration_stats.h"
#include "projections/period_cells.h"
#include "projections/report_params.h"
#include "projections/ticket_index.h"

namespace tl::projections {

class ResponseTimes : public ReadModel {
 public:
  explicit ResponseTimes(Names& names) : names_(names) {}
  std::string_view name() const override { return "response_times"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  boost::json::object Query(const ReportParams& params, const TicketIndex& tickets) const;

 private:
  struct Contribution {
    std::optional<int64_t> first_response;
    std::optional<int64_t> resolution;
    bool operator==(const Contribution&) const = default;
  };
  struct Cell {
    uint64_t tickets = 0;
    uint64_t pending = 0;
    SortedDurations first_response;
    SortedDurations resolution;
    void Add(const Contribution& c, int sign);
    // A ticket's contribution changed: only the values that differ move (a resolution leaves
    // the first response where it is, in a sorted array of a month's tickets).
    void Exchange(const Contribution& out, const Contribution& in);
    void Merge(const Cell& other);
    bool empty() const { return tickets == 0; }
  };
  static Contribution ContributionOf(const ledger::TicketState& t);

  Names& names_;
  PeriodCells<Cell> cells_;
};

}  // namespace tl::projections
