#include "tools/generate/simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ledger/domain/personal_fields.h"
#include "tools/generate/calendar.h"
#include "tools/generate/texts.h"

namespace tl::tools::generate {

using namespace tl::ledger;

namespace {

// The shares of the categories of inquiries (docs/domain.md: a service request is support; orders,
// terminations and fault reports have their own categories).
constexpr double kCategoryWeights[] = {0.80, 0.09, 0.07, 0.04};
constexpr Category kCategories[] = {Category::kSupport, Category::kIncident, Category::kOrder,
                                    Category::kTermination};
// How inquiries come in.
constexpr double kChannelWeights[] = {0.50, 0.20, 0.18, 0.12};
constexpr Channel kChannels[] = {Channel::kEmail, Channel::kWeb, Channel::kPhone,
                                 Channel::kForwarded};
// Exchanges with the requester before the final answer (0..4), and stalls (0..2).
constexpr double kRoundWeights[] = {0.45, 0.30, 0.15, 0.07, 0.03};
constexpr double kStallWeights[] = {0.72, 0.22, 0.06};

}  // namespace

Simulator::Simulator(SimulationOptions options, const Catalogue& catalogue, CommandPath& path,
                     std::function<void(uint64_t)> progress)
    : options_(options), catalogue_(catalogue), path_(path), progress_(std::move(progress)) {
  for (const ServiceSpec& s : catalogue_.services()) service_weights_.push_back(s.weight);
}

Status Simulator::DefineReference() {
  const Who admin{"admin", "admin"};
  for (const QueueSpec& q : catalogue_.queues()) {
    TL_RETURN_IF_ERROR(path_.Define(DefineQueue{std::string(q.name), q.members, q.first_line},
                                    admin, options_.start));
  }
  for (const ServiceSpec& s : catalogue_.services()) {
    TL_RETURN_IF_ERROR(path_.Define(DefineService{std::string(s.name), std::string(s.title)}, admin,
                                    options_.start));
  }
  return Status::Ok();
}

Status Simulator::Run() {
  TL_RETURN_IF_ERROR(DefineReference());
  Rng arrivals_rng(options_.seed, 0);
  const std::vector<TimeNs> arrivals =
      ArrivalTimes(options_.start, options_.end, options_.inquiries, arrivals_rng);
  // Requesters recur: about one for every three inquiries, some of them often.
  requester_pool_ = std::max<uint64_t>(200, options_.inquiries / 3);

  size_t next = 0;
  for (;;) {
    const bool wake_due = !wakes_.empty();
    if (next < arrivals.size() && (!wake_due || arrivals[next] <= wakes_.top().at)) {
      TL_RETURN_IF_ERROR(Arrive(next, arrivals[next]));
      ++next;
      if (progress_ && ((next & 1023) == 0 || next == arrivals.size())) progress_(next);
      continue;
    }
    if (!wake_due) break;
    const Wake wake = wakes_.top();
    wakes_.pop();
    auto it = live_.find(wake.ticket);
    if (it == live_.end() || it->second.generation != wake.generation) continue;  // stale
    Ticket& t = it->second;
    t.pending = false;
    TL_RETURN_IF_ERROR(RunStep(t, wake.at));
    // References into live_ survive the insertions a step makes (a child), not an erase.
    if (!t.pending && t.children_open == 0) live_.erase(wake.ticket);
  }
  return Status::Ok();
}

Status Simulator::Arrive(uint64_t index, TimeNs at) {
  Ticket t;
  t.rng = Rng(options_.seed, 1 + index);
  Rng& rng = t.rng;
  const Category category = kCategories[rng.Weighted(kCategoryWeights)];
  t.service = &catalogue_.services()[rng.Weighted(service_weights_)];
  const bool sales = category == Category::kOrder || category == Category::kTermination;
  t.team = sales ? catalogue_.sales_queue() : catalogue_.QueueIndex(t.service->team);
  t.pace = category == Category::kIncident ? 0.5 : 1.0;
  t.rounds_left = static_cast<uint8_t>(rng.Weighted(kRoundWeights));
  t.stalls_left = static_cast<uint8_t>(rng.Weighted(kStallWeights));
  if (category == Category::kOrder) {
    t.children_left = rng.Chance(0.45) ? (rng.Chance(0.2) ? 2 : 1) : 0;
  } else if (category == Category::kSupport) {
    t.children_left = rng.Chance(0.03) ? 1 : 0;
  } else if (category == Category::kIncident) {
    t.children_left = rng.Chance(0.08) ? 1 : 0;
  }

  // Two to four keywords, Zipf-like: the first few of a service's list are the common topics.
  const auto& keywords = t.service->keywords;
  std::vector<double> keyword_weights;
  for (size_t i = 0; i < keywords.size(); ++i) keyword_weights.push_back(1.0 / (i + 1));
  std::vector<size_t> chosen;
  const size_t wanted = static_cast<size_t>(rng.Between(2, 4));
  while (chosen.size() < wanted) {
    const size_t k = rng.Weighted(keyword_weights);
    if (std::find(chosen.begin(), chosen.end(), k) == chosen.end()) chosen.push_back(k);
  }
  std::string description;
  for (size_t k : chosen) {
    if (!description.empty()) description += ", ";
    description += keywords[k];
  }
  t.keyword = std::string(keywords[chosen[0]]);

  const double skew = rng.Uniform();
  const std::string requester =
      Catalogue::Requester(static_cast<uint64_t>(skew * skew * requester_pool_));
  Channel channel = kChannels[rng.Weighted(kChannelWeights)];
  // Calls and forwarded mail come from people at work.
  if ((channel == Channel::kPhone || channel == Channel::kForwarded) && !InWorkingHours(at)) {
    channel = Channel::kEmail;
  }

  // Where it lands and who registers it (docs/domain.md, "Roles"): mail and the web form reach the
  // service centre (some mail goes to a team's own address); forwarded mail is registered by
  // the service centre; a call is registered by hand by whoever took it.
  size_t queue = Catalogue::kFirstLine;
  // The requester's own mail and web forms: the role, never the address (docs/api.md).
  std::string actor(kRequesterActor);
  std::string recorded_by = channel == Channel::kWeb ? "web-form" : "rt-mail";
  if (channel == Channel::kEmail && rng.Chance(0.07)) {
    queue = t.team;
  } else if (channel == Channel::kForwarded) {
    actor = recorded_by = FirstLineAgent(t);
  } else if (channel == Channel::kPhone) {
    if (rng.Chance(0.35)) {
      queue = t.team;
      const auto& members = catalogue_.queues()[queue].members;
      t.opener = static_cast<int16_t>(rng.Below(members.size()));
      actor = recorded_by = members[static_cast<size_t>(t.opener)];
    } else {
      actor = recorded_by = FirstLineAgent(t);
    }
  }
  t.first_line_answers = queue == Catalogue::kFirstLine && category == Category::kSupport &&
                         t.children_left == 0 && rng.Chance(t.service->first_line_share);
  // Some web forms are sent with the wrong service chosen; the service centre corrects it.
  const ServiceSpec* stated = t.service;
  if (channel == Channel::kWeb && rng.Chance(0.10)) {
    stated = &catalogue_.services()[rng.Below(catalogue_.services().size())];
    t.wrong_service = stated != t.service;
  }

  OpenTicket command;
  command.service = std::string(stated->name);
  command.category = category;
  command.description = std::move(description);
  command.queue = std::string(catalogue_.queues()[queue].name);
  command.requester = requester;
  command.channel = channel;
  command.subject = Subject(rng, t.keyword);

  const TicketId id = path_.last_ticket().Next();
  Ticket& slot = live_[id];
  slot = std::move(t);
  slot.requester = command.requester;
  TL_RETURN_IF_ERROR(path_.Open(command, nullptr, Who{actor, recorded_by}, at, &slot.state));
  ++totals_.inquiries;
  if (queue == Catalogue::kFirstLine) {
    Schedule(slot, AgentDelay(slot, at, 20 * kMinute, 0.9), Step::kTriage);
  } else if (slot.opener >= 0) {
    Schedule(slot, at + static_cast<TimeNs>(slot.rng.Uniform(1, 8) * kMinute), Step::kPickup);
  } else {
    Schedule(slot, AgentDelay(slot, at, 3 * kHour, 1.0), Step::kPickup);
  }
  if (!slot.pending) live_.erase(id);
  return Status::Ok();
}

void Simulator::Schedule(Ticket& t, TimeNs at, Step step) {
  t.step = step;
  ++t.generation;  // any earlier wake-up of this ticket is void
  t.pending = false;
  at = CeilSecond(at);
  if (at >= options_.end) return;  // after the end of the history: it stays as it is
  wakes_.push(Wake{at, next_order_++, t.state.id, t.generation});
  t.pending = true;
}

Status Simulator::Act(Ticket& t, const TicketAction& action, std::string_view actor, TimeNs at) {
  return path_.Act(t.state, action, Who{actor, actor}, at);
}

Status Simulator::ActAs(Ticket& t, const TicketAction& action, Who who, TimeNs at) {
  return path_.Act(t.state, action, who, at);
}

const QueueSpec& Simulator::QueueOf(const Ticket& t) const {
  const size_t q = catalogue_.QueueIndex(t.state.queue);
  return catalogue_.queues()[q < catalogue_.queues().size() ? q : Catalogue::kFirstLine];
}

const std::string& Simulator::RandomMember(Ticket& t, size_t queue) {
  return t.rng.Pick(catalogue_.queues()[queue].members);
}

TimeNs Simulator::AgentDelay(Ticket& t, TimeNs now, TimeNs median, double sigma) {
  const double work =
      t.rng.LogNormal(static_cast<double>(median), sigma) * QueueOf(t).pace * t.pace;
  // At least a minute, at most four working weeks: nobody waits for ever on this desk.
  const double bounded = std::clamp(work, static_cast<double>(kMinute), 160.0 * kHour);
  return AddWorkingTime(now, static_cast<TimeNs>(bounded));
}

}  // namespace tl::tools::generate
