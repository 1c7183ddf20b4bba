#include "ledger/domain/ticket_state.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "ledger/domain/overloaded.h"
#include "ledger/domain/ticket_rules.h"

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
    s.solution_given = false;
  }
  s.status = to;
  s.status_since = t;
  if (to != TicketStatus::kStalled) s.stalled.reset();
}

// The payload type as the visitor sees it: const when the event is only read.
template <class Ev, class T>
using PayloadOf = std::conditional_t<std::is_const_v<Ev>, const T, T>;

// A payload's string for assignment: moved out when the event may be consumed.
template <class T>
decltype(auto) Take(T& field) {
  if constexpr (std::is_const_v<T>) {
    return field;
  } else {
    return std::move(field);
  }
}

template <class Ev>
void Apply(TicketState& s, Ev& e) {
  const TimeNs t = e.occurred_at;
  std::visit(Overloaded{
                 [&](PayloadOf<Ev, TicketOpened>& p) {
                   s = TicketState{};
                   s.id = e.stream.ticket;
                   s.service = p.service;
                   s.category = p.category;
                   s.description = Take(p.description);
                   s.queue = p.queue;
                   s.channel = p.channel;
                   s.parent = p.parent;
                   s.external_ref = Take(p.external_ref);
                   s.status = TicketStatus::kNew;
                   s.created_at = t;
                   s.status_since = t;
                   s.text_seqs.opened = e.seq;
                 },
                 [&](const Acknowledged&) { s.acknowledged = true; },
                 [&](const Replied&) {
                   if (!s.first_response_at) s.first_response_at = t;
                 },
                 [&](const RequesterMessaged&) {},
                 [&](const Commented&) {},
                 [&](const StatusChanged& p) { Transition(s, p.to, t); },
                 [&](PayloadOf<Ev, Stalled>& p) {
                   Transition(s, TicketStatus::kStalled, t);
                   s.stalled = StallInfo{p.follow_up_at};
                   s.text_seqs.stalled = e.seq;
                 },
                 [&](const Resumed&) { Transition(s, TicketStatus::kOpen, t); },
                 [&](const Assigned& p) { s.owner = p.owner; },
                 [&](const Unassigned&) { s.owner.clear(); },
                 [&](const Moved& p) {
                   s.queue = p.to_queue;
                   if (p.owner_cleared) s.owner.clear();
                 },
                 [&](PayloadOf<Ev, Updated>& p) {
                   if (p.service) s.service = *p.service;
                   if (p.category) s.category = *p.category;
                   if (p.description) s.description = Take(*p.description);
                   if (p.requester) s.text_seqs.requester = e.seq;
                   if (p.subject) s.text_seqs.subject = e.seq;
                 },
                 [&](PayloadOf<Ev, Resolved>& p) {
                   Transition(s, TicketStatus::kResolved, t);
                   s.resolved_at = t;
                   s.last_resolved_at = t;
                   // An erased solution reads empty; the event still says whether it held
                   // text, and the reports keep their counts (docs/privacy.md).
                   s.solution_given = !IsBlank(p.solution) || e.erased_text;
                   s.text_seqs.resolved = e.seq;
                   s.resolution_ns = s.active_ns;
                   s.invited_since_resolution = false;
                 },
                 [&](const Reopened&) { Transition(s, TicketStatus::kOpen, t); },
                 [&](const FeedbackInvited&) {
                   s.last_invited_at = t;
                   s.invited_since_resolution = true;
                 },
                 [&](PayloadOf<Ev, FeedbackReceived>& p) {
                   s.feedback = Feedback{p.score};
                   s.text_seqs.feedback = e.seq;
                 },
                 [&](const ChildLinked& p) { s.children.push_back(p.child); },
                 [&](const QueueDefined&) {},
                 [&](const ServiceDefined&) {},
                 [&](const PersonalDataErased&) {
                   // The state holds no personal text (TicketTexts does, and is read from
                   // the log, where the erased fields read back empty): only the mark.
                   s.erased = true;
                 },
                 // Mail events record what the outbox and intake did (docs/mail.md); they
                 // change nothing of the ticket but its version.
                 [&](const MailSent&) {},
                 [&](const MailFailed&) {},
                 [&](const MailBounced&) {},
             },
             e.payload);
  s.version = e.version;
  s.updated_at = t;
}

}  // namespace

void ApplyToTicket(TicketState& s, const Event& e) { Apply(s, e); }

void ApplyToTicketTakingText(TicketState& s, Event& e) { Apply(s, e); }

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
