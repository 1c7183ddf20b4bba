// POST /api/v1/mail/inbound (docs/api.md, "Mail"): the raw message goes to app::MailIntake,
// which parses, classifies and appends through the ordinary command path; the answer says
// what became of it.
#include <boost/json/object.hpp>

#include "server/error_mapping.h"
#include "server/handlers.h"

namespace tl::server {

namespace json = boost::json;

namespace {

// "message/rfc822", any case, parameters allowed; an absent Content-Type is taken as well
// (some MTA pipes' tools send none).
bool IsRfc822(std::string_view content_type) {
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  std::string lower;
  for (char c : type) {
    if (c == ' ' || c == '\t') continue;
    lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return lower.empty() || lower == "message/rfc822";
}

}  // namespace

std::optional<Response> PostMailInbound(const Request& req, const Principal& caller,
                                        MailInbound& mail, Later later) {
  if (!mail.intake) return ErrorResponse(503, "unavailable", "mail intake is not configured");
  if (!IsRfc822(req.content_type)) {
    return StatusResponse(
        Status::BadField("the body must be a message: Content-Type message/rfc822"));
  }
  auto queue = req.query.find("queue");
  std::string queue_name = queue == req.query.end() ? "" : queue->second;
  mail.intake->TakeAsync(req.body, std::move(queue_name), caller.actor,
                         [later = std::move(later)](Result<app::IntakeOutcome> r) {
                           if (!r.ok()) return later(StatusResponse(r.status()));
                           json::object body;
                           if (r->action == app::IntakeAction::kIgnored) {
                             body["action"] = "ignored";
                             body["reason"] = r->reason;
                             return later(JsonResponse(200, body));
                           }
                           body["id"] = r->result.id.value();
                           body["version"] = r->result.version.value();
                           body["seq"] = r->result.seq.value();
                           body["action"] = app::IntakeActionName(r->action);
                           // A message taken in before: the first answer again, as 200
                           // (docs/api.md).
                           later(JsonResponse(r->result.replayed ? 200 : 201, body));
                         });
  return std::nullopt;
}

}  // namespace tl::server
