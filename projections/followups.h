// Overdue follow-ups (docs/api.md `GET /api/v1/followups`): stalled tickets whose follow-up time
// has passed. Its model keeps stalled tickets ordered by their follow-up time, so "follow_up_at <
// now" is a prefix (followups.cc). A stall without a follow-up time (only in imported history)
// has nothing to be overdue against and is not listed; the compliance report counts it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "projections/model_registry.h"
#include "projections/report_types.h"

namespace tl::projections {

// Reads now.
struct FollowupsReport {
  struct Ticket {
    ledger::TicketId id{};
    std::string queue;
    std::optional<std::string> owner;  // nullopt: unowned
    std::string awaiting;              // read from the log (ReportService), not kept by the model
    ledger::TimeNs follow_up_at = 0;
    // The ticket's state the entry comes from, for reading `awaiting` from the log.
    ledger::Version version{};
    bool erased = false;
    bool operator==(const Ticket&) const = default;
  };
  ledger::TimeNs now = 0;
  std::vector<Ticket> tickets;  // follow_up_at < now, by follow_up_at, then id
  bool operator==(const FollowupsReport&) const = default;
};

// Registers the model behind FollowupsReport (checkpoint name "followups").
void RegisterFollowups(ModelRegistry& registry);

}  // namespace tl::projections
