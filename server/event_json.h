// The API's JSON for ledger values: tickets and events (docs/api.md). The tools use the same
// functions, so that `ticketledger log`, `export --format ndjson` and the API print the same
// shapes, byte for byte.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "ledger/domain/event.h"
#include "ledger/domain/ticket_state.h"
#include "ledger/domain/ticket_texts.h"

namespace tl::server {

// RFC 3339 UTC, or null for "absent" (0 or nullopt).
boost::json::value TimeJson(ledger::TimeNs t);
boost::json::value TimeJson(const std::optional<ledger::TimeNs>& t);
// A string, or null when empty.
boost::json::value StringOrNull(const std::string& s);

// GET /api/v1/tickets/{id}: the state from the read models, its texts from the log
// (projections::Projections::TextsOf).
boost::json::object TicketToJson(const ledger::TicketState& ticket,
                                 const ledger::TicketTexts& texts);
// The `data` of an event: the payload's fields.
boost::json::object PayloadToJson(const ledger::Event& event);
// One item of a ticket's history or of the event feed. docs/api.md's keys, plus the extensions of
// docs/api.md: "event_id", "stream" and "ticket" (null for queues and services).
boost::json::object EventToJson(const ledger::StoredEvent& event);

}  // namespace tl::server
