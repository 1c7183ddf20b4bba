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
  if (!*ticket) {
    // By requester needs the requester index, which this build does not have (docs/privacy.md).
    if (body->contains("requester")) {
      return ErrorResponse(400, "bad_field", "erasure by requester is not supported yet");
    }
    return StatusResponse(Status::MissingField("an erasure names a ticket"));
  }
  const ledger::TicketId id(**ticket);
  auto erased = app::ErasePersonalData(*erasures.log, std::span<const ledger::TicketId>(&id, 1),
                                       *reason, caller.actor, ledger::SystemClockNow());
  if (!erased.ok()) return StatusResponse(erased.status());
  json::array ids;
  for (ledger::TicketId t : erased->erased_tickets) ids.push_back(t.value());
  return JsonResponse(
      200, json::object{{"erased_tickets", std::move(ids)}, {"seq", erased->seq.value()}});
}

}  // namespace tl::server
