// Pending feedback invitations (API.md `GET /api/v1/feedback/pending`): resolved tickets not
// invited since their latest resolution, ordered by that resolution. The invitation is due 2 h
// after it.
#pragma once

#include <boost/json/object.hpp>
#include <set>
#include <utility>

#include "projections/read_model.h"

namespace tl::projections {

class FeedbackPending : public ReadModel {
 public:
  std::string_view name() const override { return "feedback_pending"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  boost::json::object Query(ledger::TimeNs now) const;

 private:
  using Entry = std::pair<ledger::TimeNs, ledger::TicketId>;  // (resolved_at, id)
  static std::optional<Entry> EntryOf(const ledger::TicketState& t);

  std::set<Entry> pending_;
};

}  // namespace tl::projections
