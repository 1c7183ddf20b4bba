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
  using Keywords = std::vector<NameId>;  // sorted, distinct
  struct Cell {
    uint64_t tickets = 0;
    // Sorted by id, counts above zero. A flat vector, not a map: a ticket moving between
    // groups takes its keywords out of one cell and into another, and map nodes made that an
    // allocation and a free per keyword and period (callgrind).
    std::vector<std::pair<NameId, uint64_t>> keywords;
    void Add(const Keywords& c, int sign);
    void Merge(const Cell& other);
    bool empty() const { return tickets == 0; }
  };

  // The keywords of recently seen descriptions, so that a ticket moving between groups does not
  // split, lower-case and intern its description again (that was half of this model's cost).
  // Direct-mapped and fixed in size, so its memory does not grow with the history. A pure
  // cache: the ids it holds are the ones interning would give.
  class KeywordCache {
   public:
    const Keywords& Get(std::string_view description, Names& names);

   private:
    struct Slot {
      std::string description;
      Keywords keywords;
      bool filled = false;
    };
    static constexpr size_t kSlots = 4096;
    std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
  };

  Names& names_;
  PeriodCells<Cell> cells_;
  KeywordCache keyword_cache_;
  Keywords before_keywords_;  // scratch: a second lookup may evict the first one's slot
};

}  // namespace tl::projections
