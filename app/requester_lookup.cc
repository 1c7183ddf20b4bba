#include "app/requester_lookup.h"

#include <memory>
#include <unordered_set>
#include <variant>

#include "ledger/domain/address.h"
#include "ledger/privacy/key_store.h"

namespace tl::app {

Result<std::vector<ledger::TicketId>> RequesterLookup::Tickets(std::string_view address) const {
  const privacy::KeyStore* keys = log_.keys();
  if (keys == nullptr)
    return Status::BadField("this ledger has no key store, so no requester index");
  auto digest = keys->requester_index().RequesterKey(address);
  if (!digest.ok()) return Status::BadField("requester must be a non-empty address");
  TL_ASSIGN_OR_RETURN(std::vector<uint64_t> candidates, keys->TicketsOfRequester(*digest));
  const std::string normalized = ledger::NormalizeAddress(address);
  std::vector<ledger::TicketId> tickets;
  for (uint64_t candidate : candidates) {
    TL_ASSIGN_OR_RETURN(bool confirmed, Confirmed(ledger::TicketId(candidate), normalized));
    if (confirmed) tickets.push_back(ledger::TicketId(candidate));
  }
  return tickets;
}

Result<RequesterLookup::TicketTest> RequesterLookup::Matcher(std::string_view address) const {
  TL_ASSIGN_OR_RETURN(std::vector<ledger::TicketId> tickets, Tickets(address));
  auto ids =
      std::make_shared<const std::unordered_set<ledger::TicketId>>(tickets.begin(), tickets.end());
  return TicketTest([ids](const ledger::TicketState& t) { return ids->contains(t.id); });
}

Result<bool> RequesterLookup::Confirmed(ledger::TicketId ticket,
                                        const std::string& normalized) const {
  // A digest recorded for a batch that was then not written names a ticket id with no events
  // yet, or one whose events never set this requester.
  if (ticket.is_zero() || ticket > log_.Head().last_ticket) return false;
  auto same = [&](const std::string& requester) {
    return !requester.empty() && ledger::NormalizeAddress(requester) == normalized;
  };
  const ledger::StreamId stream = ledger::StreamId::Ticket(ticket);
  // Most hits are tickets opened by the requester: the opening event alone confirms them, and
  // reading one event instead of the whole stream is what keeps a requester with hundreds of
  // tickets cheap (docs/privacy.md, "Figures").
  TL_ASSIGN_OR_RETURN(std::vector<ledger::StoredEvent> first,
                      log_.ReadStream(stream, ledger::Version{1}));
  if (first.empty()) return false;
  if (const auto* opened = std::get_if<ledger::TicketOpened>(&first.front().event.payload);
      opened && same(opened->requester)) {
    return true;
  }
  TL_ASSIGN_OR_RETURN(std::vector<ledger::StoredEvent> events, log_.ReadStream(stream));
  for (const ledger::StoredEvent& stored : events) {
    const auto* updated = std::get_if<ledger::Updated>(&stored.event.payload);
    if (updated && updated->requester && same(*updated->requester)) return true;
  }
  return false;
}

}  // namespace tl::app
