// The life of one ticket, step by step: each step is at most one command (through the rules)
// and schedules the next. The rates and delays are listed in docs/generate.md.
#include <fmt/format.h>

#include "ledger/domain/personal_fields.h"
#include "tools/generate/calendar.h"
#include "tools/generate/simulator.h"
#include "tools/generate/texts.h"

namespace tl::tools::generate {

using namespace tl::ledger;

namespace {

constexpr double kMisrouteRate = 0.05;  // of the tickets the service centre routes to a team

TimeNs Minutes(Rng& rng, double lo, double hi) {
  return static_cast<TimeNs>(rng.Uniform(lo, hi) * kMinute);
}

}  // namespace

Status Simulator::RunStep(Ticket& t, TimeNs now) {
  switch (t.step) {
    case Step::kTriage:
      return Triage(t, now);
    case Step::kPickup:
      return Pickup(t, now);
    case Step::kAgentTurn:
      return t.is_child ? ChildTurn(t, now) : AgentTurn(t, now);
    case Step::kStall:
      return StallNow(t, now);
    case Step::kFollowUp:
      return FollowUp(t, now);
    case Step::kRequesterWrites:
      return RequesterWrites(t, now);
    case Step::kResumeAfterChildren:
      return ResumeAfterChildren(t, now);
    case Step::kResolve:
      return Resolve(t, now);
    case Step::kAfterResolution:
      return AfterResolution(t, now);
  }
  return Status::Internal("generator bug: unknown step");
}

// The service centre looks at a new (or returned) ticket in Orakel.
Status Simulator::Triage(Ticket& t, TimeNs now) {
  const std::string agent = FirstLineAgent(t);
  if (t.wrong_service) {
    t.wrong_service = false;
    Update fix;
    fix.service = std::string(t.service->name);
    TL_RETURN_IF_ERROR(Act(t, fix, agent, now));
    Schedule(t, now + Minutes(t.rng, 1, 5), Step::kTriage);
    return Status::Ok();
  }
  if (!t.amended && t.rng.Chance(0.04)) {
    // The keywords the requester gave are not the whole story: add one.
    t.amended = true;
    Update amend;
    amend.description = t.state.description + ", " + std::string(t.rng.Pick(t.service->keywords));
    TL_RETURN_IF_ERROR(Act(t, amend, agent, now));
    Schedule(t, now + Minutes(t.rng, 1, 4), Step::kTriage);
    return Status::Ok();
  }
  if (t.first_line_answers) {
    TL_RETURN_IF_ERROR(Act(t, Assign{agent}, agent, now));
    Schedule(t, AgentDelay(t, now, 30 * kMinute, 0.8), Step::kAgentTurn);
    return Status::Ok();
  }
  size_t target = t.team;
  if (!t.misrouted && t.rng.Chance(kMisrouteRate)) {
    t.misrouted = true;
    do {
      target = 1 + t.rng.Below(catalogue_.queues().size() - 1);
    } while (target == t.team);
  }
  TL_RETURN_IF_ERROR(Act(t, Move{std::string(catalogue_.queues()[target].name), ""}, agent, now));
  Schedule(t, AgentDelay(t, now, 3 * kHour, 1.0), Step::kPickup);
  return Status::Ok();
}

// A member of the ticket's queue takes it; a team that is not the right one sends it back to
// Orakel (a misroute), sometimes only after someone took it.
Status Simulator::Pickup(Ticket& t, TimeNs now) {
  const size_t q = catalogue_.QueueIndex(t.state.queue);
  const auto& members = catalogue_.queues()[q].members;
  if (q != t.team && q != Catalogue::kFirstLine) {
    const std::string member = t.state.owner.empty() ? RandomMember(t, q) : t.state.owner;
    if (t.state.owner.empty() && !t.picked_up_wrongly && t.rng.Chance(0.35)) {
      t.picked_up_wrongly = true;
      TL_RETURN_IF_ERROR(Act(t, Assign{member}, member, now));
      Schedule(t, AgentDelay(t, now, kHour, 1.0), Step::kPickup);
      return Status::Ok();
    }
    const std::string reason = MisrouteReason(catalogue_.queues()[t.team].name);
    TL_RETURN_IF_ERROR(
        Act(t, Move{std::string(catalogue_.first_line().name), reason}, member, now));
    ++totals_.misroutes;
    Schedule(t, AgentDelay(t, now, 30 * kMinute, 0.9), Step::kTriage);
    return Status::Ok();
  }
  std::string owner, actor;
  if (t.opener >= 0) {
    owner = actor = members[static_cast<size_t>(t.opener)];
    t.opener = -1;
  } else if (members.size() > 1 && t.rng.Chance(0.25)) {
    // The team lead hands it to someone.
    actor = members[0];
    owner = members[1 + t.rng.Below(members.size() - 1)];
  } else {
    owner = actor = RandomMember(t, q);
  }
  TL_RETURN_IF_ERROR(Act(t, Assign{owner}, actor, now));
  Schedule(t, AgentDelay(t, now, t.is_child ? 2 * kHour : 40 * kMinute, 1.0), Step::kAgentTurn);
  return Status::Ok();
}

// The owner's turn on an inquiry: open its child changes, the occasional reassignment,
// transfer or internal note, and otherwise a reply: a question (then the requester answers or
// the owner stalls) or the final answer (then the resolution).
Status Simulator::AgentTurn(Ticket& t, TimeNs now) {
  if (t.state.owner.empty()) return Pickup(t, now);
  const std::string owner = t.state.owner;
  const size_t q = catalogue_.QueueIndex(t.state.queue);
  const auto& members = catalogue_.queues()[q].members;

  if (t.children_left > 0 && t.state.status == TicketStatus::kOpen) return OpenChild(t, now);

  if (!t.reassigned && members.size() > 1 && t.rng.Chance(0.05)) {
    t.reassigned = true;
    std::string other;
    do {
      other = RandomMember(t, q);
    } while (other == owner);
    const std::string actor = t.rng.Chance(0.5) && members[0] != other ? members[0] : owner;
    TL_RETURN_IF_ERROR(Act(t, Assign{other}, actor, now));
    Schedule(t, AgentDelay(t, now, kHour, 0.8), Step::kAgentTurn);
    return Status::Ok();
  }
  if (!t.unassigned && t.rng.Chance(0.015)) {
    t.unassigned = true;  // away: back to the queue, someone else picks it up
    TL_RETURN_IF_ERROR(Act(t, Unassign{}, owner, now));
    Schedule(t, AgentDelay(t, now, 2 * kHour, 1.0), Step::kPickup);
    return Status::Ok();
  }
  if (!t.transferred && q != Catalogue::kFirstLine && t.children_left == 0 &&
      t.children_open == 0 && t.rng.Chance(0.02)) {
    // Another team has to continue (not a misroute: it does not go back to first line).
    t.transferred = true;
    size_t other;
    do {
      other = 1 + t.rng.Below(catalogue_.queues().size() - 1);
    } while (other == q);
    t.team = other;
    const std::string name(catalogue_.queues()[other].name);
    TL_RETURN_IF_ERROR(Act(t, Move{name, TransferReason(name)}, owner, now));
    Schedule(t, AgentDelay(t, now, 3 * kHour, 1.0), Step::kPickup);
    return Status::Ok();
  }
  if (t.rng.Chance(0.10)) {
    TL_RETURN_IF_ERROR(Act(t, Comment{InternalComment(t.rng, t.keyword)}, owner, now));
    Schedule(t, AgentDelay(t, now, 30 * kMinute, 0.8), Step::kAgentTurn);
    return Status::Ok();
  }

  if (t.silent_follow_up) {
    t.silent_follow_up = false;
    if (t.rng.Chance(0.5)) {
      t.close_without_answer = true;
      t.rounds_left = 0;
    } else {
      TL_RETURN_IF_ERROR(Act(t, Reply{ReminderReply(t.rng)}, owner, now));
      Schedule(t,
               RequesterTime(now, static_cast<TimeNs>(t.rng.LogNormal(24.0 * kHour, 1.0)), t.rng),
               Step::kRequesterWrites);
      return Status::Ok();
    }
  }
  const bool first = !t.state.first_response_at.has_value();
  if (!t.close_without_answer && (t.rounds_left > 0 || t.children_left > 0)) {
    const std::string body = first ? FirstReply(t.rng, t.keyword) : FollowUpReply(t.rng, t.keyword);
    TL_RETURN_IF_ERROR(Act(t, Reply{body}, owner, now));
    if (t.children_left > 0) {  // the changes come next
      Schedule(t, now + Minutes(t.rng, 5, 30), Step::kAgentTurn);
      return Status::Ok();
    }
    --t.rounds_left;
    if (t.stalls_left > 0 && t.rng.Chance(0.5)) {
      --t.stalls_left;
      Schedule(t, now + Minutes(t.rng, 1, 10), Step::kStall);
    } else {
      Schedule(t,
               RequesterTime(now, static_cast<TimeNs>(t.rng.LogNormal(18.0 * kHour, 1.1)), t.rng),
               Step::kRequesterWrites);
    }
    return Status::Ok();
  }
  // The final answer; the solution follows at once (docs/domain.md: immediately), now and then a
  // little later.
  const std::string body = t.close_without_answer ? ClosingReply() : FinalReply(t.rng, t.keyword);
  TL_RETURN_IF_ERROR(Act(t, Reply{body}, owner, now));
  Schedule(t, t.rng.Chance(0.9) ? now + Minutes(t.rng, 1, 8) : AgentDelay(t, now, kHour, 0.8),
           Step::kResolve);
  return Status::Ok();
}

// A change ticket's owner plans it (sometimes with a note) and carries it out.
Status Simulator::ChildTurn(Ticket& t, TimeNs now) {
  if (t.state.owner.empty()) return Pickup(t, now);
  if (!t.planned && t.rng.Chance(0.6)) {
    t.planned = true;
    TL_RETURN_IF_ERROR(Act(t, Comment{ChangePlan(t.rng)}, t.state.owner, now));
    Schedule(t, AgentDelay(t, now, 12 * kHour, 0.8), Step::kResolve);
    return Status::Ok();
  }
  return Resolve(t, now);
}

// The owner opens a child change ticket in the service's team queue.
Status Simulator::OpenChild(Ticket& t, TimeNs now) {
  const std::string owner = t.state.owner;
  const TicketId id = path_.last_ticket().Next();
  Ticket child;
  child.rng = Rng(options_.seed, kChildStreams + id.value());
  child.is_child = true;
  child.parent = t.state.id;
  child.service = t.service;
  child.team = catalogue_.QueueIndex(t.service->team);
  child.keyword = std::string(child.rng.Pick(t.service->keywords));

  OpenTicket command;
  command.service = std::string(t.service->name);
  command.category = Category::kChange;
  command.description = "change, " + child.keyword;
  command.queue = std::string(catalogue_.queues()[child.team].name);
  command.requester = t.requester;
  command.channel = Channel::kWeb;
  command.subject = "Change: " + child.keyword;
  command.parent = t.state.id;

  Ticket& slot = live_[id];  // `t` stays valid: unordered_map keeps references on insertion
  slot = std::move(child);
  slot.requester = command.requester;
  TL_RETURN_IF_ERROR(path_.Open(command, &t.state, Who{owner, owner}, now, &slot.state));
  ++totals_.children;
  --t.children_left;
  ++t.children_open;
  t.last_child = id;
  Schedule(slot, AgentDelay(slot, now, 3 * kHour, 1.0), Step::kPickup);
  if (!slot.pending) live_.erase(id);
  Schedule(t, now + Minutes(t.rng, 2, 10), t.children_left > 0 ? Step::kAgentTurn : Step::kStall);
  return Status::Ok();
}

// Waiting for the requester (or for the child changes): stalled, with what is awaited and when
// the owner follows up.
Status Simulator::StallNow(Ticket& t, TimeNs now) {
  const std::string owner =
      t.state.owner.empty() ? RandomMember(t, catalogue_.QueueIndex(t.state.queue)) : t.state.owner;
  if (t.children_open > 0) {
    const TimeNs follow_up = WorkingDaysLater(now, 5, 7 * kHour);
    TL_RETURN_IF_ERROR(Act(t, Stall{AwaitingChange(t.last_child.value()), follow_up}, owner, now));
    Schedule(t, AddWorkingTime(follow_up, Minutes(t.rng, 0, 120)), Step::kFollowUp);
    return Status::Ok();
  }
  const TimeNs follow_up = WorkingDaysLater(now, static_cast<int>(t.rng.Between(2, 7)),
                                            7 * kHour + Minutes(t.rng, 0, 120));
  TL_RETURN_IF_ERROR(Act(t, Stall{Awaiting(t.rng, t.keyword), follow_up}, owner, now));
  const TimeNs answer =
      RequesterTime(now, static_cast<TimeNs>(t.rng.LogNormal(30.0 * kHour, 0.9)), t.rng);
  if (answer < follow_up && t.rng.Chance(0.7)) {
    Schedule(t, answer, Step::kRequesterWrites);
  } else {
    // Most follow-ups are on time; a quarter slip (the follow-up report shows them overdue).
    const TimeNs late = t.rng.Chance(0.75) ? Minutes(t.rng, 0, 120)
                                           : static_cast<TimeNs>(t.rng.LogNormal(8.0 * kHour, 1.0));
    Schedule(t, AddWorkingTime(follow_up, late), Step::kFollowUp);
  }
  return Status::Ok();
}

// The follow-up date has come. Waiting for changes: stall again with a new date. Otherwise the
// owner resumes the ticket and then reminds the requester or closes it.
Status Simulator::FollowUp(Ticket& t, TimeNs now) {
  const std::string actor =
      t.state.owner.empty() ? RandomMember(t, catalogue_.QueueIndex(t.state.queue)) : t.state.owner;
  if (t.children_open > 0) {
    const TimeNs follow_up = WorkingDaysLater(now, 5, 7 * kHour);
    TL_RETURN_IF_ERROR(Act(t, Stall{AwaitingChange(t.last_child.value()), follow_up}, actor, now));
    Schedule(t, AddWorkingTime(follow_up, Minutes(t.rng, 0, 120)), Step::kFollowUp);
    return Status::Ok();
  }
  TL_RETURN_IF_ERROR(Act(t, Resume{}, actor, now));
  t.silent_follow_up = true;
  Schedule(t, now + Minutes(t.rng, 1, 10), Step::kAgentTurn);
  return Status::Ok();
}

Status Simulator::RequesterWrites(Ticket& t, TimeNs now) {
  TL_RETURN_IF_ERROR(ActAs(t, ledger::RequesterMessage{RequesterMessage(t.rng, t.keyword)},
                           Who{kRequesterActor, "rt-mail"}, now));
  Schedule(t, AgentDelay(t, now, 2 * kHour, 1.0), Step::kAgentTurn);
  return Status::Ok();
}

// The last child change is done: the parent's owner resumes it and gives the final answer.
Status Simulator::ResumeAfterChildren(Ticket& t, TimeNs now) {
  t.rounds_left = 0;
  if (t.state.status != TicketStatus::kStalled) return AgentTurn(t, now);
  TL_RETURN_IF_ERROR(Act(t, Resume{}, t.state.owner, now));
  Schedule(t, now + Minutes(t.rng, 5, 60), Step::kAgentTurn);
  return Status::Ok();
}

Status Simulator::Resolve(Ticket& t, TimeNs now) {
  const std::string owner = t.state.owner;
  std::string solution = t.is_child               ? ChangeSolution(t.rng, t.keyword)
                         : t.close_without_answer ? NoAnswerSolution()
                                                  : Solution(t.rng, t.keyword, t.service->name);
  TL_RETURN_IF_ERROR(Act(t, ledger::Resolve{std::move(solution)}, owner, now));
  ++t.resolutions;
  ++totals_.resolutions;
  t.close_without_answer = false;
  if (t.is_child) {
    // Tell the parent; its owner resumes it once every child is done.
    auto it = live_.find(t.parent);
    if (it != live_.end() && --it->second.children_open == 0) {
      Ticket& parent = it->second;
      Schedule(parent, AgentDelay(parent, now, kHour, 0.8), Step::kResumeAfterChildren);
      if (!parent.pending) live_.erase(it);
    }
    return Status::Ok();
  }
  PlanAfterResolution(t, now);
  ScheduleAfterResolution(t);
  return Status::Ok();
}

// After a resolution: the service centre's feedback invitation (most within two hours, when
// someone is at the desk; some the next morning; a few days late or never), the requester's
// score (about a third of those invited) and, for about 5 %, a reopen.
void Simulator::PlanAfterResolution(Ticket& t, TimeNs resolved) {
  Rng& rng = t.rng;
  t.invite_at = t.feedback_at = t.reopen_at = 0;
  if (rng.Chance(t.resolutions == 1 ? 0.05 : 0.02)) {
    t.reopen_by_requester = rng.Chance(0.6);
    t.reopen_at =
        t.reopen_by_requester
            ? RequesterTime(resolved, static_cast<TimeNs>(rng.LogNormal(30.0 * kHour, 1.0)), rng)
            : AddWorkingTime(resolved, static_cast<TimeNs>(rng.LogNormal(10.0 * kHour, 1.0)));
  }
  const double u = rng.Uniform();
  if (u < 0.03) {
    // never invited
  } else if (u < 0.07) {
    t.invite_at = AddWorkingTime(resolved, static_cast<TimeNs>(rng.LogNormal(12.0 * kHour, 0.8)));
  } else {
    const TimeNs soon = resolved + Minutes(rng, 5, 100);
    t.invite_at = InWorkingHours(soon) ? soon : AddWorkingTime(soon, Minutes(rng, 0, 90));
  }
  if (t.invite_at != 0 && rng.Chance(0.35)) {
    t.feedback_at =
        RequesterTime(t.invite_at, static_cast<TimeNs>(rng.LogNormal(5.0 * kHour, 1.2)), rng);
  }
}

void Simulator::ScheduleAfterResolution(Ticket& t) {
  TimeNs next = 0;
  for (TimeNs at : {t.invite_at, t.feedback_at, t.reopen_at}) {
    if (at != 0 && (next == 0 || at < next)) next = at;
  }
  // With nothing planned, nothing is scheduled: the story is over.
  if (next != 0) Schedule(t, next, Step::kAfterResolution);
}

Status Simulator::AfterResolution(Ticket& t, TimeNs now) {
  // Whichever is due first; the invitation comes before the score by construction.
  auto due = [&](TimeNs at) { return at != 0 && CeilSecond(at) <= now; };
  if (due(t.invite_at)) {
    t.invite_at = 0;
    TL_RETURN_IF_ERROR(Act(t, InviteFeedback{}, FirstLineAgent(t), now));
    ++totals_.invitations;
  } else if (due(t.feedback_at)) {
    t.feedback_at = 0;
    const int score = FeedbackScore(t, now);
    TL_RETURN_IF_ERROR(ActAs(t, GiveFeedback{score, FeedbackComment(t.rng, score)},
                             Who{kRequesterActor, "feedback-survey"}, now));
    ++totals_.feedback;
  } else if (due(t.reopen_at)) {
    // Reopened before any pending invitation or score: those are void now.
    t.invite_at = t.feedback_at = t.reopen_at = 0;
    ++totals_.reopens;
    if (t.reopen_by_requester) {
      TL_RETURN_IF_ERROR(ActAs(t, ledger::RequesterMessage{ReopenMessage(t.rng)},
                               Who{kRequesterActor, "rt-mail"}, now));
    } else {
      const std::string actor = t.state.owner.empty() ? FirstLineAgent(t) : t.state.owner;
      TL_RETURN_IF_ERROR(Act(t, Reopen{ReopenReason(t.rng)}, actor, now));
    }
    t.rounds_left = t.rng.Chance(0.5) ? 1 : 0;
    Schedule(t, AgentDelay(t, now, 2 * kHour, 1.0), Step::kAgentTurn);
    return Status::Ok();
  } else {
    return Status::Internal("generator bug: woken after resolution with nothing due");
  }
  ScheduleAfterResolution(t);
  return Status::Ok();
}

int Simulator::FeedbackScore(Ticket& t, TimeNs now) {
  // Scores 1..5. A misrouted, reopened or slow ticket is scored lower.
  static constexpr double kUsual[] = {0.05, 0.07, 0.13, 0.33, 0.42};
  static constexpr double kPoor[] = {0.15, 0.17, 0.25, 0.25, 0.18};
  const bool poor = t.misrouted || t.resolutions > 1 || now - t.state.created_at > 14 * kDay;
  return 1 + static_cast<int>(t.rng.Weighted(poor ? kPoor : kUsual));
}

}  // namespace tl::tools::generate
