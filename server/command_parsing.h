// JSON request bodies -> ledger commands (docs/api.md "Reference data" and "Tickets").
//
// Only the shape is judged here (400: bad_json, missing_field, bad_field); whether the command
// is allowed is the rules' job (422). Where docs/api.md gives an absent field a rule code (a stall
// without `awaiting` is 422 awaiting_required, a feedback score that is missing or not an
// integer is 422 bad_score) the field is left empty for the rules to judge.
#pragma once

#include <boost/json/object.hpp>

#include "app/command_handler.h"
#include "ledger/domain/commands.h"
#include "server/auth.h"

namespace tl::server {

Result<ledger::OpenTicket> ParseOpenTicket(const boost::json::object& body);
Result<ledger::TicketAction> ParseTicketAction(const boost::json::object& body);
// The queue's or service's name comes from the path.
Result<ledger::DefineQueue> ParseDefineQueue(std::string name, const boost::json::object& body);
Result<ledger::DefineService> ParseDefineService(std::string name, const boost::json::object& body);

// The write's metadata: event_id, expected_version, occurred_at, actor. The last two, and a
// creation's external_ref, only for a principal with Permission::kImport: otherwise the error
// is returned with *forbidden set (403). recorded_by is always the principal's actor.
Result<app::CommandMeta> ParseCommandMeta(const boost::json::object& body,
                                          const Principal& principal, bool* forbidden);

}  // namespace tl::server
