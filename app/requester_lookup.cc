#include "app/requester_lookup.h"

#include <algorithm>
#include <limits>

namespace tl::app {

Result<projections::TicketPage> RequesterLookup::List(const projections::Projections& read_models,
                                                      projections::TicketFilter filter,
                                                      std::string_view address) const {
  auto wanted = index_.RequesterKey(address);
  if (!wanted.ok()) return Status::BadField("requester must be a non-empty address");
  const size_t limit = filter.limit;
  // Chunks of the other filters' list, each tested by its requesters read from the log.
  constexpr size_t kChunk = 1000;
  filter.limit = kChunk;
  projections::TicketPage out;
  while (true) {
    projections::TicketPage chunk = read_models.ListTickets(filter);
    TL_ASSIGN_OR_RETURN(auto texts, read_models.TextsOf(chunk.tickets));
    for (size_t i = 0; i < chunk.tickets.size(); ++i) {
      if (texts[i].requester.empty()) continue;
      auto key = index_.RequesterKey(texts[i].requester);
      if (!key.ok() || *key != *wanted) continue;
      if (out.tickets.size() == limit) {
        out.next = out.tickets.back().id;  // one more than fits: there is a next page
        return out;
      }
      out.tickets.push_back(std::move(chunk.tickets[i]));
    }
    if (!chunk.next) return out;
    filter.after = *chunk.next;
  }
}

Result<std::vector<ledger::TicketId>> RequesterLookup::Tickets(
    const projections::Projections& read_models, std::string_view address) const {
  projections::TicketFilter filter;
  filter.limit = std::numeric_limits<size_t>::max();
  TL_ASSIGN_OR_RETURN(projections::TicketPage page, List(read_models, filter, address));
  std::vector<ledger::TicketId> ids;
  for (const ledger::TicketState& t : page.tickets) ids.push_back(t.id);
  return ids;
}

}  // namespace tl::app
