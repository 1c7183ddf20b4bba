// Satisfaction (API.md `GET /api/v1/reports/satisfaction`), every category: per current
// service or queue, the tickets with feedback and their mean score (a ticket's latest
// feedback), the feedback invitations and those sent within 2 h of the latest resolution before
// them. Each ticket's invitation counts are kept so they follow it between groups.
#pragma once

#include <boost/json/object.hpp>
#include <deque>
#include <vector>

#include "projections/period_cells.h"
#include "projections/report_params.h"
#include "projections/ticket_index.h"

namespace tl::projections {

class Satisfaction : public ReadModel {
 public:
  explicit Satisfaction(Names& names) : names_(names) {}
  std::string_view name() const override { return "satisfaction"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  boost::json::object Query(const ReportParams& params, const TicketIndex& tickets) const;

 private:
  struct Invitations {
    uint32_t invited = 0;
    uint32_t within_due = 0;
    bool operator==(const Invitations&) const = default;
  };
  struct Contribution {
    int32_t score = 0;  // 0 = no feedback
    Invitations invitations;
    bool operator==(const Contribution&) const = default;
  };
  struct Cell {
    uint64_t feedback = 0;
    uint64_t score_sum = 0;
    uint64_t invited = 0;
    uint64_t within_due = 0;
    void Add(const Contribution& c, int sign);
    void Merge(const Cell& other);
    bool empty() const { return feedback == 0 && invited == 0; }
  };
  Contribution ContributionOf(const ledger::TicketState& t) const;

  Names& names_;
  std::deque<Invitations> invitations_;  // [id - 1]; a deque: no spare capacity
  PeriodCells<Cell> cells_;
};

}  // namespace tl::projections
