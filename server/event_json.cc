#include "server/event_json.h"

#include <boost/json/array.hpp>

#include "ledger/domain/overloaded.h"
#include "ledger/domain/personal_fields.h"
#include "ledger/domain/time_format.h"

namespace tl::server {

namespace json = boost::json;
using namespace tl::ledger;

json::value TimeJson(TimeNs t) {
  if (t == 0) return nullptr;
  return json::string(FormatRfc3339(t));
}

json::value TimeJson(const std::optional<TimeNs>& t) {
  if (!t) return nullptr;
  return json::string(FormatRfc3339(*t));
}

json::value StringOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::string(s);
}

namespace {

json::string_view Name(std::string_view s) { return json::string_view(s.data(), s.size()); }

}  // namespace

json::object TicketToJson(const TicketState& t, const TicketTexts& texts) {
  json::object o;
  o["id"] = t.id.value();
  o["version"] = t.version.value();
  // A ticket opened by mail has no service or description until it is classified (docs/api.md,
  // "Mail"): null, never "".
  o["service"] = StringOrNull(t.service);
  o["category"] = Name(CategoryName(t.category));
  o["description"] = StringOrNull(t.description);
  o["queue"] = t.queue;
  o["owner"] = StringOrNull(t.owner);
  o["requester"] = texts.requester;
  o["channel"] = Name(ChannelName(t.channel));
  o["subject"] = StringOrNull(texts.subject);
  o["status"] = Name(StatusName(t.status));
  o["created_at"] = TimeJson(t.created_at);
  o["updated_at"] = TimeJson(t.updated_at);
  o["first_response_at"] = TimeJson(t.first_response_at);
  o["resolved_at"] = TimeJson(t.resolved_at);
  o["solution"] = t.status == TicketStatus::kResolved ? json::value(texts.solution) : nullptr;
  if (t.stalled) {
    o["stalled"] = json::object{{"awaiting", texts.awaiting},
                                {"follow_up_at", TimeJson(t.stalled->follow_up_at)}};
  } else {
    o["stalled"] = nullptr;
  }
  o["parent"] = t.parent.is_zero() ? json::value(nullptr) : json::value(t.parent.value());
  json::array children;
  for (TicketId c : t.children) children.push_back(c.value());
  o["children"] = std::move(children);
  o["reopened"] = t.reopened;
  if (t.feedback) {
    o["feedback"] = json::object{{"score", t.feedback->score},
                                 {"comment", StringOrNull(texts.feedback_comment)}};
  } else {
    o["feedback"] = nullptr;
  }
  if (!t.external_ref.empty()) o["external_ref"] = t.external_ref;  // extension (imports)
  if (t.erased) {
    // docs/api.md, "Personal data and erasure": the erased fields are null.
    o["requester"] = nullptr;
    o["subject"] = nullptr;
    if (o["solution"].is_string()) o["solution"] = nullptr;
    if (t.stalled) o["stalled"].as_object()["awaiting"] = nullptr;
    if (t.feedback) o["feedback"].as_object()["comment"] = nullptr;
    o["erased"] = true;
  }
  return o;
}

json::object PayloadToJson(const Event& e) {
  json::object o;
  std::visit(Overloaded{
                 [&](const TicketOpened& p) {
                   o["service"] = StringOrNull(p.service);
                   o["category"] = Name(CategoryName(p.category));
                   o["description"] = StringOrNull(p.description);
                   o["queue"] = p.queue;
                   o["requester"] = p.requester;
                   o["channel"] = Name(ChannelName(p.channel));
                   o["subject"] = StringOrNull(p.subject);
                   o["parent"] =
                       p.parent.is_zero() ? json::value(nullptr) : json::value(p.parent.value());
                   if (!p.external_ref.empty()) o["external_ref"] = p.external_ref;
                 },
                 [&](const Acknowledged&) { o["ticket"] = e.stream.ticket.value(); },
                 [&](const Replied& p) { o["body"] = p.body; },
                 [&](const RequesterMessaged& p) { o["body"] = p.body; },
                 [&](const Commented& p) { o["body"] = p.body; },
                 [&](const StatusChanged& p) {
                   o["from"] = Name(StatusName(p.from));
                   o["to"] = Name(StatusName(p.to));
                 },
                 [&](const Stalled& p) {
                   o["awaiting"] = p.awaiting;
                   o["follow_up_at"] = TimeJson(p.follow_up_at);
                 },
                 [&](const Resumed&) {},
                 [&](const Assigned& p) { o["owner"] = p.owner; },
                 [&](const Unassigned& p) { o["previous_owner"] = StringOrNull(p.previous_owner); },
                 [&](const Moved& p) {
                   o["from_queue"] = p.from_queue;
                   o["to_queue"] = p.to_queue;
                   o["reason"] = StringOrNull(p.reason);
                   o["misroute"] = p.misroute;
                   o["owner_cleared"] = p.owner_cleared;
                 },
                 [&](const Updated& p) {
                   if (p.service) o["service"] = *p.service;
                   if (p.category) o["category"] = Name(CategoryName(*p.category));
                   if (p.description) o["description"] = *p.description;
                   if (p.requester) o["requester"] = *p.requester;
                   if (p.subject) o["subject"] = *p.subject;
                 },
                 [&](const Resolved& p) { o["solution"] = p.solution; },
                 [&](const Reopened& p) { o["reason"] = StringOrNull(p.reason); },
                 [&](const FeedbackInvited&) {},
                 [&](const FeedbackReceived& p) {
                   o["score"] = p.score;
                   o["comment"] = StringOrNull(p.comment);
                 },
                 [&](const ChildLinked& p) { o["child"] = p.child.value(); },
                 [&](const QueueDefined& p) {
                   o["name"] = e.stream.name;
                   json::array members;
                   for (const auto& m : p.members) members.emplace_back(m);
                   o["members"] = std::move(members);
                   o["first_line"] = p.first_line;
                 },
                 [&](const ServiceDefined& p) {
                   o["name"] = e.stream.name;
                   o["title"] = p.title;
                 },
                 [&](const PersonalDataErased& p) { o["reason"] = p.reason; },
                 [&](const MailSent& p) {
                   o["kind"] = Name(MailKindName(p.kind));
                   o["message_id"] = p.message_id;
                   o["to"] = p.to;
                 },
                 [&](const MailFailed& p) {
                   o["kind"] = Name(MailKindName(p.kind));
                   o["message_id"] = p.message_id;
                   o["to"] = p.to;
                   o["reason"] = p.reason;
                 },
                 [&](const MailBounced& p) {
                   o["message_id"] = p.message_id;
                   json::array recipients;
                   for (const auto& r : p.recipients) recipients.emplace_back(r);
                   o["recipients"] = std::move(recipients);
                   o["detail"] = StringOrNull(p.detail);
                 },
             },
             e.payload);
  return o;
}

json::object EventToJson(const StoredEvent& stored) {
  const Event& e = stored.event;
  json::object o;
  o["seq"] = e.seq.value();
  o["version"] = e.version.value();
  o["type"] = Name(EventTypeName(e.payload));
  o["actor"] = e.actor;
  o["recorded_by"] = e.recorded_by;
  o["occurred_at"] = json::string(FormatRfc3339(e.occurred_at));
  o["recorded_at"] = json::string(FormatRfc3339(e.recorded_at));
  o["data"] = PayloadToJson(e);
  if (e.personal != PersonalData::kClear) {
    // Erased (the ticket's data key is destroyed) or read without keys: the personal fields are
    // null (docs/api.md, "Personal data and erasure").
    json::object& data = o["data"].as_object();
    Payload names = e.payload;
    ForEachPersonalField(names,
                         [&](std::string_view field, std::string&) { data[field] = nullptr; });
    o[e.personal == PersonalData::kErased ? "erased" : "sealed"] = true;
  }
  o["prev_hash"] = HashToHex(stored.prev_hash);
  o["hash"] = HashToHex(stored.hash);
  o["event_id"] = e.event_id.ToString();
  o["stream"] = e.stream.ToString();
  o["ticket"] = e.stream.is_ticket() ? json::value(e.stream.ticket.value()) : json::value(nullptr);
  return o;
}

}  // namespace tl::server
