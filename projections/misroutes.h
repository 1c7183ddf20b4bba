// Misroutes (API.md `GET /api/v1/reports/misroutes`): moves from a team queue back to a
// first-line queue (the `misroute` flag the ledger records on the `moved` event), counted per
// the ticket's current service and the move's source queue, by the ticket's creation day.
// Each ticket's source queues are kept so that its counts follow it when its service changes.
#pragma once

#include <boost/json/object.hpp>
#include <unordered_map>
#include <vector>

#include "projections/period_cells.h"
#include "projections/report_params.h"
#include "projections/ticket_index.h"

namespace tl::projections {

class Misroutes : public ReadModel {
 public:
  explicit Misroutes(Names& names) : names_(names) {}
  std::string_view name() const override { return "misroutes"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  boost::json::object Query(const ReportParams& params, const TicketIndex& tickets) const;

 private:
  // Cells key on GroupKey{service, queue = the source queue}.
  struct Cell {
    uint64_t count = 0;
    void Add(int c, int sign) { count += c * sign; }
    void Merge(const Cell& other) { count += other.count; }
    bool empty() const { return count == 0; }
  };

  Names& names_;
  std::unordered_map<ledger::TicketId, std::vector<NameId>> from_queues_;  // misrouted only
  PeriodCells<Cell> cells_;
};

}  // namespace tl::projections
