#include "app/requester_lookup.h"

#include <limits>

namespace tl::app {

Result<RequesterLookup::TicketTest> RequesterLookup::Matcher(std::string_view address) const {
  auto wanted = index_.RequesterKey(address);
  if (!wanted.ok()) return Status::BadField("requester must be a non-empty address");
  return TicketTest([this, digest = *wanted](const ledger::TicketState& t) {
    if (t.requester.empty()) return false;
    auto key = index_.RequesterKey(t.requester);
    return key.ok() && *key == digest;
  });
}

Result<std::vector<ledger::TicketId>> RequesterLookup::Tickets(
    const projections::Projections& read_models, std::string_view address) const {
  projections::TicketFilter filter;
  TL_ASSIGN_OR_RETURN(filter.also, Matcher(address));
  filter.limit = std::numeric_limits<size_t>::max();
  std::vector<ledger::TicketId> ids;
  for (const ledger::TicketState& t : read_models.ListTickets(filter).tickets) ids.push_back(t.id);
  return ids;
}

}  // namespace tl::app
