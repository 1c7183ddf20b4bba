// Write endpoints: parse and validate here (400/403 at once), then the CommandHandler runs the
// rules and the group-commit append; its answer arrives on one of the ledger's threads. The
// projections apply a commit before its appends are answered, so a GET after a 201 sees the write.
#include <boost/json/object.hpp>
#include <chrono>

#include "server/command_parsing.h"
#include "server/error_mapping.h"
#include "server/handlers.h"
#include "server/json_input.h"

namespace tl::server {

namespace json = boost::json;
using namespace tl::ledger;
using namespace tl::app;

namespace {

using SteadyClock = std::chrono::steady_clock;

Response Forbidden(const Status& why) { return ErrorResponse(403, "forbidden", why.message()); }

// The callback of a command: times the append and shapes the answer. `created` is the status
// of a new write (201 for tickets and actions, 200 for reference data, whose PUT is idempotent).
app::CommandDone Answer(ServerMetrics& metrics, Later later, int created, bool reference) {
  return [&metrics, later = std::move(later), created, reference,
          start = SteadyClock::now()](Result<CommandResult> r) {
    metrics.ObserveAppend(std::chrono::duration<double>(SteadyClock::now() - start).count());
    if (!r.ok()) return later(StatusResponse(r.status()));
    json::object body;
    body["id"] = r->id.value();
    body["version"] = r->version.value();
    body["seq"] = r->seq.value();
    if (reference) {
      body.erase("id");
      body["changed"] = r->changed && !r->replayed;
      if (r->seq.is_zero()) body["seq"] = nullptr;
    }
    later(JsonResponse(r->replayed ? 200 : created, body));
  };
}

struct Parsed {
  json::object body;
  CommandMeta meta;
};

// The body and the write's metadata, or the response that refuses them.
std::variant<Parsed, Response> ParseWrite(const Request& req, const Principal& principal) {
  auto body = ParseJsonObject(req.body);
  if (!body.ok()) return StatusResponse(body.status());
  bool forbidden = false;
  auto meta = ParseCommandMeta(*body, principal, &forbidden);
  if (!meta.ok()) return forbidden ? Forbidden(meta.status()) : StatusResponse(meta.status());
  return Parsed{std::move(body).value(), std::move(meta).value()};
}

}  // namespace

std::optional<Response> PostTicket(const Request& req, const Principal& caller, WritePath& writes,
                                   Later later) {
  auto parsed = ParseWrite(req, caller);
  if (auto* refused = std::get_if<Response>(&parsed)) return std::move(*refused);
  auto& [body, meta] = std::get<Parsed>(parsed);
  auto command = ParseOpenTicket(body);
  if (!command.ok()) return StatusResponse(command.status());
  writes.commands.OpenAsync(std::move(command).value(), std::move(meta),
                            Answer(writes.metrics, std::move(later), 201, false));
  return std::nullopt;
}

std::optional<Response> PostAction(const Request& req, const Principal& caller, WritePath& writes,
                                   Later later) {
  const std::optional<TicketId> id = ParseTicketId(PathParam(req, "id"));
  if (!id) return ErrorResponse(404, "not_found", "no such resource");
  auto parsed = ParseWrite(req, caller);
  if (auto* refused = std::get_if<Response>(&parsed)) return std::move(*refused);
  auto& [body, meta] = std::get<Parsed>(parsed);
  auto action = ParseTicketAction(body);
  if (!action.ok()) return StatusResponse(action.status());
  writes.commands.ActAsync(*id, std::move(action).value(), std::move(meta),
                           Answer(writes.metrics, std::move(later), 201, false));
  return std::nullopt;
}

std::optional<Response> PutQueue(const Request& req, const Principal& caller, WritePath& writes,
                                 Later later) {
  auto parsed = ParseWrite(req, caller);
  if (auto* refused = std::get_if<Response>(&parsed)) return std::move(*refused);
  auto& [body, meta] = std::get<Parsed>(parsed);
  auto command = ParseDefineQueue(std::string(PathParam(req, "name")), body);
  if (!command.ok()) return StatusResponse(command.status());
  writes.commands.DefineQueueAsync(std::move(command).value(), std::move(meta),
                                   Answer(writes.metrics, std::move(later), 200, true));
  return std::nullopt;
}

std::optional<Response> PutService(const Request& req, const Principal& caller, WritePath& writes,
                                   Later later) {
  auto parsed = ParseWrite(req, caller);
  if (auto* refused = std::get_if<Response>(&parsed)) return std::move(*refused);
  auto& [body, meta] = std::get<Parsed>(parsed);
  auto command = ParseDefineService(std::string(PathParam(req, "name")), body);
  if (!command.ok()) return StatusResponse(command.status());
  writes.commands.DefineServiceAsync(std::move(command).value(), std::move(meta),
                                     Answer(writes.metrics, std::move(later), 200, true));
  return std::nullopt;
}

}  // namespace tl::server
