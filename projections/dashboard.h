// The open-support dashboard (API.md `GET /api/v1/dashboard`): support tickets whose status is
// new, open or stalled, counted by creation day x current service x queue, so that "the last N
// days by service and ISO week of creation" merges at most N day cells per group.
#pragma once

#include <boost/json/object.hpp>

#include "projections/period_cells.h"
#include "projections/report_params.h"
#include "projections/ticket_index.h"

namespace tl::projections {

class Dashboard : public ReadModel {
 public:
  explicit Dashboard(Names& names) : names_(names) {}
  std::string_view name() const override { return "dashboard"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  // `now` is the report's (the latest event's occurred_at unless the query names one).
  boost::json::object Query(const ReportParams& params, ledger::TimeNs now,
                            const TicketIndex& tickets) const;

 private:
  struct Cell {
    uint64_t open = 0;
    void Add(int c, int sign) { open += c * sign; }
    void Merge(const Cell& other) { open += other.open; }
    bool empty() const { return open == 0; }
  };
  static bool Counts(const ledger::TicketState& t);

  Names& names_;
  PeriodCells<Cell> cells_;
};

}  // namespace tl::projections
