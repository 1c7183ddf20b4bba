// Pending feedback invitations (docs/api.md `GET /api/v1/feedback/pending`): resolved tickets not
// invited since their latest resolution. The invitation is due 2 h after the resolution. Its
// model keeps those tickets ordered by that resolution (feedback_pending.cc).
#pragma once

#include <vector>

#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

// Reads now.
struct FeedbackPendingReport {
  struct Ticket {
    ledger::TicketId id{};
    ledger::TimeNs resolved_at = 0;
    ledger::TimeNs due_at = 0;  // resolved_at + 2 h
    bool overdue = false;       // now > due_at
    bool operator==(const Ticket&) const = default;
  };
  ledger::TimeNs now = 0;
  std::vector<Ticket> tickets;  // by resolved_at, then id
  bool operator==(const FeedbackPendingReport&) const = default;
};

// Registers the model behind FeedbackPendingReport (checkpoint name "feedback_pending").
void RegisterFeedbackPending(ModelRegistry& registry);

}  // namespace tl::projections
