#include "server/command_parsing.h"

#include <fmt/format.h>

#include "server/json_input.h"

namespace tl::server {

namespace json = boost::json;
using namespace tl::ledger;
using namespace tl::app;

namespace {

Result<Category> CategoryField(const json::object& o, std::string_view field) {
  TL_ASSIGN_OR_RETURN(std::string name, RequiredString(o, field));
  auto c = ParseCategory(name);
  if (!c) {
    return Status::BadField(
        fmt::format("{} must be one of support, order, termination, incident, change", field));
  }
  return *c;
}

Result<std::optional<Category>> OptionalCategory(const json::object& o, std::string_view field) {
  TL_ASSIGN_OR_RETURN(auto name, OptionalString(o, field));
  if (!name) return std::optional<Category>();
  auto c = ParseCategory(*name);
  if (!c) {
    return Status::BadField(
        fmt::format("{} must be one of support, order, termination, incident, change", field));
  }
  return std::optional<Category>(*c);
}

Result<std::string> StringOrEmpty(const json::object& o, std::string_view field) {
  TL_ASSIGN_OR_RETURN(auto s, OptionalString(o, field));
  return s.value_or(std::string());
}

// A score that is an integer; any other value (a fraction, a string, a huge number) is left
// absent, which the rules answer with 422 bad_score.
std::optional<int64_t> Score(const json::object& o) {
  auto it = o.find("score");
  if (it == o.end()) return std::nullopt;
  const json::value& v = it->value();
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64()) return std::numeric_limits<int64_t>::max();  // out of range: bad_score
  return std::nullopt;
}

}  // namespace

Result<OpenTicket> ParseOpenTicket(const json::object& o) {
  OpenTicket t;
  TL_ASSIGN_OR_RETURN(t.service, RequiredString(o, "service"));
  TL_ASSIGN_OR_RETURN(t.category, CategoryField(o, "category"));
  TL_ASSIGN_OR_RETURN(t.description, RequiredString(o, "description"));
  TL_ASSIGN_OR_RETURN(t.queue, RequiredString(o, "queue"));
  TL_ASSIGN_OR_RETURN(t.requester, RequiredString(o, "requester"));
  TL_ASSIGN_OR_RETURN(std::string channel, RequiredString(o, "channel"));
  auto parsed_channel = ParseChannel(channel);
  if (!parsed_channel) {
    return Status::BadField("channel must be one of email, phone, forwarded, web");
  }
  t.channel = *parsed_channel;
  TL_ASSIGN_OR_RETURN(t.subject, StringOrEmpty(o, "subject"));
  TL_ASSIGN_OR_RETURN(auto parent, OptionalUnsigned(o, "parent"));
  if (parent) {
    if (*parent == 0) return Status::BadField("parent must be a ticket id (a positive integer)");
    t.parent = TicketId(*parent);
  }
  TL_ASSIGN_OR_RETURN(t.external_ref, StringOrEmpty(o, "external_ref"));
  return t;
}

Result<TicketAction> ParseTicketAction(const json::object& o) {
  TL_ASSIGN_OR_RETURN(std::string type, RequiredString(o, "type"));
  if (type == "reply") {
    TL_ASSIGN_OR_RETURN(auto body, StringOrEmpty(o, "body"));
    return TicketAction(Reply{std::move(body)});
  }
  if (type == "requester_message") {
    TL_ASSIGN_OR_RETURN(auto body, StringOrEmpty(o, "body"));
    return TicketAction(RequesterMessage{std::move(body)});
  }
  if (type == "comment") {
    TL_ASSIGN_OR_RETURN(auto body, StringOrEmpty(o, "body"));
    return TicketAction(Comment{std::move(body)});
  }
  if (type == "stall") {
    Stall s;
    TL_ASSIGN_OR_RETURN(s.awaiting, OptionalString(o, "awaiting"));
    TL_ASSIGN_OR_RETURN(s.follow_up_at, OptionalTime(o, "follow_up_at"));
    return TicketAction(std::move(s));
  }
  if (type == "open") return TicketAction(Resume{});
  if (type == "assign") {
    TL_ASSIGN_OR_RETURN(auto owner, RequiredString(o, "owner"));
    return TicketAction(Assign{std::move(owner)});
  }
  if (type == "unassign") return TicketAction(Unassign{});
  if (type == "move") {
    Move m;
    TL_ASSIGN_OR_RETURN(m.queue, RequiredString(o, "queue"));
    TL_ASSIGN_OR_RETURN(m.reason, StringOrEmpty(o, "reason"));
    return TicketAction(std::move(m));
  }
  if (type == "update") {
    Update u;
    TL_ASSIGN_OR_RETURN(u.service, OptionalString(o, "service"));
    TL_ASSIGN_OR_RETURN(u.category, OptionalCategory(o, "category"));
    TL_ASSIGN_OR_RETURN(u.description, OptionalString(o, "description"));
    TL_ASSIGN_OR_RETURN(u.requester, OptionalString(o, "requester"));
    TL_ASSIGN_OR_RETURN(u.subject, OptionalString(o, "subject"));
    return TicketAction(std::move(u));
  }
  if (type == "resolve") {
    Resolve r;
    TL_ASSIGN_OR_RETURN(r.solution, OptionalString(o, "solution"));
    return TicketAction(std::move(r));
  }
  if (type == "reopen") {
    TL_ASSIGN_OR_RETURN(auto reason, StringOrEmpty(o, "reason"));
    return TicketAction(Reopen{std::move(reason)});
  }
  if (type == "feedback_invited") return TicketAction(InviteFeedback{});
  if (type == "feedback") {
    GiveFeedback f;
    f.score = Score(o);
    TL_ASSIGN_OR_RETURN(f.comment, StringOrEmpty(o, "comment"));
    return TicketAction(std::move(f));
  }
  return Status::BadField(fmt::format("unknown action type '{}'", type));
}

Result<DefineQueue> ParseDefineQueue(std::string name, const json::object& o) {
  DefineQueue q;
  q.name = std::move(name);
  auto it = o.find("members");
  if (it == o.end() || it->value().is_null()) return Status::MissingField("members is required");
  if (!it->value().is_array()) return Status::BadField("members must be an array of names");
  for (const json::value& m : it->value().as_array()) {
    if (!m.is_string()) return Status::BadField("members must be an array of names");
    q.members.emplace_back(m.as_string());
  }
  TL_ASSIGN_OR_RETURN(auto first_line, OptionalBool(o, "first_line"));
  q.first_line = first_line.value_or(false);
  return q;
}

Result<DefineService> ParseDefineService(std::string name, const json::object& o) {
  DefineService s;
  s.name = std::move(name);
  TL_ASSIGN_OR_RETURN(s.title, RequiredString(o, "title"));
  return s;
}

Result<CommandMeta> ParseCommandMeta(const json::object& o, const Principal& principal,
                                     bool* forbidden) {
  *forbidden = false;
  CommandMeta meta;
  meta.actor = principal.actor;
  meta.recorded_by = principal.actor;
  const bool importer = Allows(principal.role, Permission::kImport);
  for (std::string_view field : {"occurred_at", "actor", "external_ref"}) {
    if (!importer && o.contains(json::string_view(field.data(), field.size()))) {
      *forbidden = true;
      return Status::BadField(fmt::format("only an importer may set {} (role {} may not)", field,
                                          RoleName(principal.role)));
    }
  }
  TL_ASSIGN_OR_RETURN(auto event_id, OptionalString(o, "event_id"));
  if (event_id) {
    auto id = EventId::Parse(*event_id);
    if (!id.ok() || id->IsNil()) return Status::BadField("event_id must be a UUID");
    meta.event_id = *id;
  }
  TL_ASSIGN_OR_RETURN(auto expected_version, OptionalUnsigned(o, "expected_version"));
  if (expected_version) meta.expected_version = Version(*expected_version);
  TL_ASSIGN_OR_RETURN(meta.occurred_at, OptionalTime(o, "occurred_at"));
  TL_ASSIGN_OR_RETURN(auto actor, OptionalString(o, "actor"));
  if (actor) {
    if (actor->empty()) return Status::BadField("actor cannot be empty");
    meta.actor = std::move(*actor);
  }
  return meta;
}

}  // namespace tl::server
