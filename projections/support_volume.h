// Support volume (API.md `GET /api/v1/reports/volume`): tickets per current service, queue and
// category by day, ISO week or month of creation, with the keywords of their descriptions.
// Cells by creation day/month x group hold the ticket count and each keyword's count; a ticket's
// keywords move with it when its description, service, queue or category changes.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <vector>

#include "projections/period_cells.h"
#include "projections/report_params.h"
#include "projections/ticket_index.h"

namespace tl::projections {

// A description's keywords (API.md): the comma- or semicolon-separated terms, trimmed of
// whitespace, lower-cased (ASCII and Latin-1 letters such as Æ, Ø, Å; other scripts stay as
// written), empty ones dropped, each once, in code-point order.
std::vector<std::string> DescriptionKeywords(std::string_view description);

class SupportVolume : public ReadModel {
 public:
  explicit SupportVolume(Names& names) : names_(names) {}
  std::string_view name() const override { return "volume"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  boost::json::object Query(const ReportParams& params, const TicketIndex& tickets) const;

 private:
  using Keywords = std::vector<NameId>;
  struct Cell {
    uint64_t tickets = 0;
    std::map<NameId, uint64_t> keywords;
    void Add(const Keywords& c, int sign);
    void Merge(const Cell& other);
    bool empty() const { return tickets == 0; }
  };
  Keywords KeywordsOf(const ledger::TicketState& t);

  Names& names_;
  PeriodCells<Cell> cells_;
};

}  // namespace tl::projections
