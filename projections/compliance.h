// Process compliance (API.md `GET /api/v1/reports/compliance`; issue 6), every category: per
// current service or queue, counts of events that show the process's discipline:
//   resolved / resolved_with_solution  resolutions, and those with a non-blank solution
//   stalls / stalls_with_follow_up     stalls, and those with a follow-up time
//   assignments / assignments_in_queue  assignments, and those whose owner was a member of the
//                                       ticket's queue at that moment (the reference data then)
//   invited / invited_within_2h         feedback invitations, and those within 2 h of the latest
//                                       resolution before them
// Live writes always comply; imported history is recorded as it happened and may not. Each
// ticket's counts are kept so that they follow it between groups.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <deque>
#include <vector>

#include "projections/period_cells.h"
#include "projections/report_params.h"
#include "projections/ticket_index.h"

namespace tl::projections {

class Compliance : public ReadModel {
 public:
  explicit Compliance(Names& names) : names_(names) {}
  std::string_view name() const override { return "compliance"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  boost::json::object Query(const ReportParams& params, const TicketIndex& tickets) const;

  // The counters, in the order of the report's keys.
  static constexpr size_t kCounters = 8;
  static const std::array<const char*, kCounters>& CounterNames();

 private:
  using Counts = std::array<uint32_t, kCounters>;  // one ticket's
  struct Cell {
    std::array<uint64_t, kCounters> n{};
    void Add(const Counts& c, int sign);
    void Merge(const Cell& other);
    bool empty() const;
  };
  const Counts& CountsOf(ledger::TicketId id) const;

  Names& names_;
  std::deque<Counts> counts_;  // [id - 1]; a deque grows without a vector's spare half
  PeriodCells<Cell> cells_;
};

}  // namespace tl::projections
