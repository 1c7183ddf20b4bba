// Erasure: POST /api/v1/privacy/erasures (docs/api.md, "Personal data and erasure").
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "app/erasure.h"
#include "server/error_mapping.h"
#include "server/handlers.h"
#include "server/json_input.h"

namespace tl::server {

namespace json = boost::json;

std::optional<Response> PostErasure(const Request& req, const Principal& caller, Erasures& erasures,
                                    Later) {
  auto body = ParseJsonObject(req.body);
  if (!body.ok()) return StatusResponse(body.status());
  auto reason = RequiredString(*body, "reason");
  if (!reason.ok()) return StatusResponse(reason.status());
  auto ticket = OptionalUnsigned(*body, "ticket");
  if (!ticket.ok()) return StatusResponse(ticket.status());
  auto requester = OptionalString(*body, "requester");
  if (!requester.ok()) return StatusResponse(requester.status());
  if (*ticket && *requester) {
    return StatusResponse(Status::BadField("an erasure names a ticket or a requester, not both"));
  }
  std::vector<ledger::TicketId> tickets;
  if (*ticket) {
    tickets.push_back(ledger::TicketId(**ticket));
  } else if (*requester) {
    // Every ticket this address is or was the requester of, by the requester index
    // (docs/privacy.md); erased tickets leave the index, so a repeated request finds none.
    if (!erasures.requesters) {
      return StatusResponse(Status::BadField("this server has no requester index"));
    }
    auto found = erasures.requesters->Tickets(**requester);
    if (!found.ok()) return StatusResponse(found.status());
    if (found->empty()) return StatusResponse(Status::NotFound("no ticket of that requester"));
    tickets = std::move(found).value();
  } else {
    return StatusResponse(Status::MissingField("an erasure names a ticket or a requester"));
  }
  auto erased = app::ErasePersonalData(*erasures.log, tickets, *reason, caller.actor,
                                       ledger::SystemClockNow());
  if (!erased.ok()) return StatusResponse(erased.status());
  json::array ids;
  for (ledger::TicketId t : erased->erased_tickets) ids.push_back(t.value());
  return JsonResponse(
      200, json::object{{"erased_tickets", std::move(ids)}, {"seq", erased->seq.value()}});
}

}  // namespace tl::server
