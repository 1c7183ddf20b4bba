// Overdue follow-ups (API.md `GET /api/v1/followups`): stalled tickets ordered by their
// follow-up time, so "follow_up_at < now" is a prefix. A stall without a follow-up time (only in
// imported history) has nothing to be overdue against and is not listed; the compliance report
// counts it.
#pragma once

#include <boost/json/object.hpp>
#include <set>
#include <utility>

#include "projections/read_model.h"
#include "projections/ticket_index.h"

namespace tl::projections {

class Followups : public ReadModel {
 public:
  std::string_view name() const override { return "followups"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  boost::json::object Query(ledger::TimeNs now, const TicketIndex& tickets) const;

 private:
  using Entry = std::pair<ledger::TimeNs, ledger::TicketId>;  // (follow_up_at, id)
  static std::optional<Entry> EntryOf(const ledger::TicketState& t);

  std::set<Entry> stalled_;
};

}  // namespace tl::projections
