#include "app/erasure.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace tl::app {

using ledger::PersonalDataErased;
using ledger::StreamId;
using ledger::TicketId;

namespace {

// Whether the ticket's stream holds a personal_data_erased event already.
Result<bool> HasErasure(const ledger::EventLog& log, TicketId ticket) {
  TL_ASSIGN_OR_RETURN(std::vector<ledger::StoredEvent> events,
                      log.ReadStream(StreamId::Ticket(ticket)));
  return std::any_of(events.begin(), events.end(), [](const ledger::StoredEvent& e) {
    return std::holds_alternative<PersonalDataErased>(e.event.payload);
  });
}

}  // namespace

Result<ErasureResult> ErasePersonalData(ledger::EventLog& log, std::span<const TicketId> tickets,
                                        const std::string& reason, const std::string& actor,
                                        ledger::TimeNs now) {
  if (reason.empty()) return Status::MissingField("an erasure needs a reason");
  privacy::KeyStore* keys = log.keys();
  if (!keys) {
    return Status::Rule("no_data_keys", "this ledger was opened without its data keys");
  }
  ErasureResult out;
  out.erased_tickets.assign(tickets.begin(), tickets.end());
  std::sort(out.erased_tickets.begin(), out.erased_tickets.end());
  out.erased_tickets.erase(std::unique(out.erased_tickets.begin(), out.erased_tickets.end()),
                           out.erased_tickets.end());
  if (out.erased_tickets.empty()) return Status::NotFound("no ticket to erase");

  std::vector<ledger::AppendRequest> requests;
  std::vector<uint64_t> ids;
  for (TicketId ticket : out.erased_tickets) {
    TL_ASSIGN_OR_RETURN(ledger::Version version, log.StreamVersion(StreamId::Ticket(ticket)));
    if (version.is_zero()) return Status::NotFound(fmt::format("no ticket {}", ticket));
    ids.push_back(ticket.value());
    TL_ASSIGN_OR_RETURN(bool erased, HasErasure(log, ticket));
    if (erased) continue;
    ledger::AppendRequest request;
    request.parts.push_back(
        ledger::StreamAppend{StreamId::Ticket(ticket),
                             std::nullopt,
                             {ledger::EventDraft{ledger::EventId::Random(), now, actor, actor,
                                                 PersonalDataErased{reason}}}});
    request.ids_are_fresh = true;
    requests.push_back(std::move(request));
  }
  out.seq = log.Head().seq;
  if (!requests.empty()) {
    for (Result<ledger::AppendResult>& appended : log.AppendBatch(std::move(requests))) {
      TL_RETURN_IF_ERROR(appended.status());
      out.seq = std::max(out.seq, appended->last_seq);
    }
  }
  // The events are durable: now the keys go, for good.
  TL_RETURN_IF_ERROR(keys->Destroy(ids).WithContext("destroying the data keys"));
  return out;
}

Result<std::vector<TicketId>> ReEraseRevivedKeys(const projections::Projections& read_models,
                                                 privacy::KeyStore& keys) {
  projections::TicketFilter erased;
  erased.also = [](const ledger::TicketState& t) { return t.erased; };
  erased.limit = std::numeric_limits<size_t>::max();
  std::vector<TicketId> revived;
  std::vector<uint64_t> ids;
  for (const ledger::TicketState& t : read_models.ListTickets(erased).tickets) {
    TL_ASSIGN_OR_RETURN(privacy::KeyLookup key, keys.Get(t.id.value()));
    if (key.state != privacy::KeyState::kLive) continue;
    revived.push_back(t.id);
    ids.push_back(t.id.value());
  }
  if (!ids.empty()) {
    TL_RETURN_IF_ERROR(keys.Destroy(ids).WithContext("re-erasing the keys of erased tickets"));
  }
  return revived;
}

}  // namespace tl::app
