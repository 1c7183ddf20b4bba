#include "ledger/domain/ticket_rules.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/domain/overloaded.h"

namespace tl::ledger {
namespace {

using Events = std::vector<Payload>;

Status Required(std::string_view value, std::string_view field) {
  if (IsBlank(value)) return Status::MissingField(fmt::format("{} is required", field));
  return Status::Ok();
}

Status InvalidTransition(const TicketState& t, std::string_view action) {
  return Status::Rule("invalid_transition", fmt::format("cannot {} ticket {} while it is {}",
                                                        action, t.id, StatusName(t.status)));
}

Status CheckTime(TimeNs last, TimeNs occurred_at, std::string_view what) {
  if (occurred_at < last) {
    return Status::Rule("time_goes_backwards",
                        fmt::format("occurred_at is before the last event of {}", what));
  }
  return Status::Ok();
}

Status CheckService(const ReferenceData& ref, std::string_view service) {
  if (!ref.FindService(service)) {
    return Status::Rule("unknown_service", fmt::format("service '{}' is not defined", service));
  }
  return Status::Ok();
}

Status CheckQueue(const ReferenceData& ref, std::string_view queue) {
  if (!ref.FindQueue(queue)) {
    return Status::Rule("unknown_queue", fmt::format("queue '{}' is not defined", queue));
  }
  return Status::Ok();
}

// A ticket opened by mail has no service until `update` classifies it; until then it may not
// leave first line nor be worked on (docs/api.md, "Mail"): assigning it, moving it to a team
// queue, replying to it and resolving it are refused.
Status CheckClassified(const TicketState& t, const ReferenceData& ref, const TicketAction& action) {
  if (!t.service.empty()) return Status::Ok();
  const bool needs_service =
      std::visit(Overloaded{
                     [](const Assign&) { return true; },
                     [](const Reply&) { return true; },
                     [](const Resolve&) { return true; },
                     [&](const Move& a) { return !ref.IsFirstLine(a.queue); },
                     [](const auto&) { return false; },
                 },
                 action);
  if (!needs_service) return Status::Ok();
  return Status::Rule(
      "classification_required",
      fmt::format("ticket {} has no service yet: classify it with update first", t.id));
}

bool IsMember(const ReferenceData& ref, std::string_view queue, const std::string& person) {
  const QueueInfo* q = ref.FindQueue(queue);
  return q && q->members.contains(person);
}

}  // namespace

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

Result<std::vector<Payload>> DecideOpen(const OpenTicket& c, const ReferenceData& ref,
                                        const TicketState* parent, TimeNs occurred_at) {
  if (c.unclassified) {
    if (!c.service.empty() || !c.description.empty()) {
      return Status::BadField("an unclassified ticket has no service or description");
    }
  } else {
    TL_RETURN_IF_ERROR(Required(c.service, "service"));
    TL_RETURN_IF_ERROR(Required(c.description, "description"));
  }
  TL_RETURN_IF_ERROR(Required(c.queue, "queue"));
  TL_RETURN_IF_ERROR(Required(c.requester, "requester"));
  if (!c.unclassified) TL_RETURN_IF_ERROR(CheckService(ref, c.service));
  TL_RETURN_IF_ERROR(CheckQueue(ref, c.queue));
  if (c.parent) {
    if (!parent || !parent->exists()) {
      return Status::Rule("unknown_parent", fmt::format("ticket {} does not exist", *c.parent));
    }
    if (c.category != Category::kChange) {
      return Status::Rule("child_must_be_change", "a child ticket must have category change");
    }
    TL_RETURN_IF_ERROR(CheckTime(parent->updated_at, occurred_at, "the parent ticket"));
  }
  Events events;
  events.push_back(TicketOpened{c.service, c.category, c.description, c.queue, c.requester,
                                c.channel, c.subject, c.parent.value_or(TicketId{}),
                                c.external_ref});
  if (!IsBlank(c.first_message)) events.push_back(RequesterMessaged{c.first_message});
  if (ref.IsFirstLine(c.queue) && c.acknowledge) events.push_back(Acknowledged{});
  return events;
}

Result<std::vector<Payload>> DecideAction(const TicketState& t, const ReferenceData& ref,
                                          const TicketAction& action, TimeNs occurred_at) {
  // Field checks first: they do not depend on the ticket.
  TL_RETURN_IF_ERROR(std::visit(
      Overloaded{
          [](const Reply& a) { return Required(a.body, "body"); },
          [](const RequesterMessage& a) { return Required(a.body, "body"); },
          [](const Comment& a) { return Required(a.body, "body"); },
          [](const Stall& a) {
            if (!a.awaiting || IsBlank(*a.awaiting)) {
              return Status::Rule("awaiting_required", "a stall needs what is awaited");
            }
            if (!a.follow_up_at) {
              return Status::Rule("follow_up_required", "a stall needs a follow-up time");
            }
            return Status::Ok();
          },
          [](const Resume&) { return Status::Ok(); },
          [](const Assign& a) { return Required(a.owner, "owner"); },
          [](const Unassign&) { return Status::Ok(); },
          [&](const Move& a) {
            TL_RETURN_IF_ERROR(Required(a.queue, "queue"));
            return CheckQueue(ref, a.queue);
          },
          [&](const Update& a) {
            if (!a.service && !a.category && !a.description && !a.requester && !a.subject) {
              return Status::MissingField(
                  "update needs one of service, category, description, requester, subject");
            }
            for (const auto* field : {&a.description, &a.requester, &a.service}) {
              if (*field && IsBlank(**field)) {
                return Status::BadField("service, description and requester cannot be blank");
              }
            }
            if (a.service) TL_RETURN_IF_ERROR(CheckService(ref, *a.service));
            if (a.category && *a.category != Category::kChange && !t.parent.is_zero()) {
              return Status::Rule("child_must_be_change", "a child ticket must stay a change");
            }
            return Status::Ok();
          },
          [](const Resolve& a) {
            if (!a.solution || IsBlank(*a.solution)) {
              return Status::Rule("solution_required", "a resolution needs a solution summary");
            }
            return Status::Ok();
          },
          [](const Reopen&) { return Status::Ok(); },
          [](const InviteFeedback&) { return Status::Ok(); },
          [](const GiveFeedback& a) {
            if (!a.score || *a.score < 1 || *a.score > 5) {
              return Status::Rule("bad_score", "score must be an integer from 1 to 5");
            }
            return Status::Ok();
          },
          [](const RecordMail&) { return Status::Ok(); },
      },
      action));

  TL_RETURN_IF_ERROR(CheckTime(t.updated_at, occurred_at, fmt::format("ticket {}", t.id)));
  TL_RETURN_IF_ERROR(CheckClassified(t, ref, action));

  const bool resolved = t.status == TicketStatus::kResolved;
  return std::visit(
      Overloaded{
          [&](const Reply& a) -> Result<Events> {
            if (resolved) return InvalidTransition(t, "reply to");
            Events e{Replied{a.body}};
            if (t.status == TicketStatus::kNew) {
              e.push_back(StatusChanged{TicketStatus::kNew, TicketStatus::kOpen});
            }
            return e;
          },
          [&](const RequesterMessage& a) -> Result<Events> {
            Events e{RequesterMessaged{a.body}};
            if (t.status == TicketStatus::kStalled || resolved) {
              e.push_back(StatusChanged{t.status, TicketStatus::kOpen});
            }
            return e;
          },
          [&](const Comment& a) -> Result<Events> { return Events{Commented{a.body}}; },
          [&](const Stall& a) -> Result<Events> {
            if (resolved) return InvalidTransition(t, "stall");
            return Events{Stalled{*a.awaiting, *a.follow_up_at}};
          },
          [&](const Resume&) -> Result<Events> {
            if (t.status != TicketStatus::kNew && t.status != TicketStatus::kStalled) {
              return InvalidTransition(t, "open");
            }
            return Events{Resumed{}};
          },
          [&](const Assign& a) -> Result<Events> {
            if (resolved) return InvalidTransition(t, "assign");
            if (!IsMember(ref, t.queue, a.owner)) {
              return Status::Rule("owner_not_in_queue",
                                  fmt::format("{} is not a member of queue {}", a.owner, t.queue));
            }
            return Events{Assigned{a.owner}};
          },
          [&](const Unassign&) -> Result<Events> {
            if (resolved) return InvalidTransition(t, "unassign");
            if (t.owner.empty()) {
              return Status::Rule("invalid_transition",
                                  fmt::format("ticket {} has no owner", t.id));
            }
            return Events{Unassigned{t.owner}};
          },
          [&](const Move& a) -> Result<Events> {
            if (resolved) return InvalidTransition(t, "move");
            if (a.queue == t.queue) {
              return Status::Rule("invalid_transition",
                                  fmt::format("ticket {} is already in queue {}", t.id, a.queue));
            }
            Moved m;
            m.from_queue = t.queue;
            m.to_queue = a.queue;
            m.reason = a.reason;
            m.misroute = !ref.IsFirstLine(t.queue) && ref.IsFirstLine(a.queue);
            m.owner_cleared = !t.owner.empty() && !IsMember(ref, a.queue, t.owner);
            return Events{m};
          },
          [&](const Update& a) -> Result<Events> {
            return Events{Updated{a.service, a.category, a.description, a.requester, a.subject}};
          },
          [&](const Resolve& a) -> Result<Events> {
            if (resolved) {
              return Status::Rule("already_resolved",
                                  fmt::format("ticket {} is already resolved", t.id));
            }
            return Events{Resolved{*a.solution}};
          },
          [&](const Reopen& a) -> Result<Events> {
            if (!resolved) {
              return Status::Rule("not_resolved", fmt::format("ticket {} is not resolved", t.id));
            }
            return Events{Reopened{a.reason}};
          },
          [&](const InviteFeedback&) -> Result<Events> {
            if (!resolved) {
              return Status::Rule("not_resolved", fmt::format("ticket {} is not resolved", t.id));
            }
            return Events{FeedbackInvited{}};
          },
          [&](const GiveFeedback& a) -> Result<Events> {
            if (!resolved) {
              return Status::Rule("not_resolved", fmt::format("ticket {} is not resolved", t.id));
            }
            return Events{FeedbackReceived{static_cast<int32_t>(*a.score), a.comment}};
          },
          // A record of what happened to mail: true in any status.
          [&](const RecordMail& a) -> Result<Events> {
            return Events{std::visit([](const auto& r) { return Payload(r); }, a.record)};
          },
      },
      action);
}

Result<std::optional<Payload>> DecideQueue(const DefineQueue& c, const ReferenceData& ref) {
  TL_RETURN_IF_ERROR(Required(c.name, "queue name"));
  std::vector<std::string> members = c.members;
  for (const std::string& m : members) {
    if (IsBlank(m)) return Status::BadField("a member name cannot be blank");
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  if (const QueueInfo* q = ref.FindQueue(c.name)) {
    if (q->first_line == c.first_line &&
        std::equal(members.begin(), members.end(), q->members.begin(), q->members.end())) {
      return std::optional<Payload>();
    }
  }
  return std::optional<Payload>(QueueDefined{std::move(members), c.first_line});
}

Result<std::optional<Payload>> DecideService(const DefineService& c, const ReferenceData& ref) {
  TL_RETURN_IF_ERROR(Required(c.name, "service name"));
  if (const ServiceInfo* s = ref.FindService(c.name); s && s->title == c.title) {
    return std::optional<Payload>();
  }
  return std::optional<Payload>(ServiceDefined{c.title});
}

}  // namespace tl::ledger
