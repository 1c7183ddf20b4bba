#include "ledger/ticket_state.h"

#include "ledger/overloaded.h"

#include <algorithm>

namespace tl::ledger {
namespace {

bool IsActive(TicketStatus s) { return s == TicketStatus::kNew || s == TicketStatus::kOpen; }

// Moves the ticket to `to` at time t, accumulating the time spent in new/open. A move to the
// status it already has (a re-stall) only refreshes what the event carries.
void Transition(TicketState& s, TicketStatus to, TimeNs t) {
  if (s.status == to) return;
  if (IsActive(s.status)) s.active_ns += std::max<TimeNs>(0, t - s.status_since);
  if (s.status == TicketStatus::kResolved && to == TicketStatus::kOpen) {
    ++s.reopened;
    s.resolved_at.reset();
    s.solution.clear();
  }
  s.status = to;
  s.status_since = t;
  if (to != TicketStatus::kStalled) s.stalled.reset();
}

}  // namespace

void ApplyToTicket(TicketState& s, const Event& e) {
  const TimeNs t = e.occurred_at;
  std::visit(Overloaded{
                 [&](const TicketOpened& p) {
                   s = TicketState{};
                   s.id = e.stream.ticket;
                   s.service = p.service;
                   s.category = p.category;
                   s.description = p.description;
                   s.queue = p.queue;
                   s.requester = p.requester;
                   s.channel = p.channel;
                   s.subject = p.subject;
                   s.parent = p.parent;
                   s.external_ref = p.external_ref;
                   s.status = TicketStatus::kNew;
                   s.created_at = t;
                   s.status_since = t;
                 },
                 [&](const Acknowledged&) { s.acknowledged = true; },
                 [&](const Replied&) {
                   if (!s.first_response_at) s.first_response_at = t;
                 },
                 [&](const RequesterMessaged&) {},
                 [&](const Commented&) {},
                 [&](const StatusChanged& p) { Transition(s, p.to, t); },
                 [&](const Stalled& p) {
                   Transition(s, TicketStatus::kStalled, t);
                   s.stalled = StallInfo{p.awaiting, p.follow_up_at};
                 },
                 [&](const Resumed&) { Transition(s, TicketStatus::kOpen, t); },
                 [&](const Assigned& p) { s.owner = p.owner; },
                 [&](const Unassigned&) { s.owner.clear(); },
                 [&](const Moved& p) {
                   s.queue = p.to_queue;
                   if (p.owner_cleared) s.owner.clear();
                 },
                 [&](const Updated& p) {
                   if (p.service) s.service = *p.service;
                   if (p.category) s.category = *p.category;
                   if (p.description) s.description = *p.description;
                   if (p.requester) s.requester = *p.requester;
                   if (p.subject) s.subject = *p.subject;
                 },
                 [&](const Resolved& p) {
                   Transition(s, TicketStatus::kResolved, t);
                   s.resolved_at = t;
                   s.last_resolved_at = t;
                   s.solution = p.solution;
                   s.resolution_ns = s.active_ns;
                   s.invited_since_resolution = false;
                 },
                 [&](const Reopened&) { Transition(s, TicketStatus::kOpen, t); },
                 [&](const FeedbackInvited&) {
                   s.last_invited_at = t;
                   s.invited_since_resolution = true;
                 },
                 [&](const FeedbackReceived& p) { s.feedback = Feedback{p.score, p.comment}; },
                 [&](const ChildLinked& p) { s.children.push_back(p.child); },
                 [&](const QueueDefined&) {},
                 [&](const ServiceDefined&) {},
             },
             e.payload);
  s.version = e.version;
  s.updated_at = t;
}

const QueueInfo* ReferenceData::FindQueue(std::string_view name) const {
  auto it = queues.find(std::string(name));
  return it == queues.end() ? nullptr : &it->second;
}

const ServiceInfo* ReferenceData::FindService(std::string_view name) const {
  auto it = services.find(std::string(name));
  return it == services.end() ? nullptr : &it->second;
}

bool ReferenceData::IsFirstLine(std::string_view queue) const {
  const QueueInfo* q = FindQueue(queue);
  return q && q->first_line;
}

void ApplyToReference(ReferenceData& data, const Event& e) {
  if (const auto* q = std::get_if<QueueDefined>(&e.payload)) {
    QueueInfo& info = data.queues[e.stream.name];
    info.members = std::set<std::string>(q->members.begin(), q->members.end());
    info.first_line = q->first_line;
    info.version = e.version;
  } else if (const auto* s = std::get_if<ServiceDefined>(&e.payload)) {
    ServiceInfo& info = data.services[e.stream.name];
    info.title = s->title;
    info.version = e.version;
  }
}

}  // namespace tl::ledger
