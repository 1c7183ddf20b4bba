#include "tests/support/random_history.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "app/data_keys.h"
#include "ledger/domain/ticket_rules.h"

namespace tl::testing {

using namespace tl::ledger;

namespace {

const std::vector<std::string> kServices = {"Identitet_Feide", "Eduroam", "Filesender", "Nettverk",
                                            "Epost"};
const std::vector<std::string> kTeamQueues = {"campus-saker", "drift", "nett"};
const std::vector<std::string> kPeople = {"olga", "otto", "carl", "cora",      "dina",
                                          "dag",  "nils", "nora", "per.hansen"};
const std::vector<std::string> kKeywords = {"login",      "password reset", "VPN",  "eduroam",
                                            "Sertifikat", "kvote",          "mail", "Ærlig",
                                            "wifi",       "feide",          "2FA",  "backup"};
const std::vector<std::string> kRequesters = {"anna@uio.no", "bjorn@ntnu.no", "cecilie@uib.no",
                                              "david@uit.no"};

std::string Description(std::mt19937_64& rng) {
  std::uniform_int_distribution<size_t> count(1, 4), pick(0, kKeywords.size() - 1), sep(0, 3);
  std::string out;
  const size_t n = count(rng);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += sep(rng) == 0 ? " ; " : ", ";
    out += kKeywords[pick(rng)];
  }
  return out;
}

}  // namespace

struct RandomHistory::Pending {
  std::vector<AppendRequest> requests;
  std::vector<uint64_t> erased;  // tickets whose keys go once `requests` are committed
};

RandomHistory::RandomHistory(RandomHistoryOptions options)
    : options_(options), rng_(options.seed), clock_(options.start), now_(options.start) {}

TimeNs RandomHistory::NextGap() {
  std::exponential_distribution<double> gap(1.0 / static_cast<double>(options_.mean_gap));
  // Whole seconds, at least one, so that no two actions share an instant.
  return std::max<TimeNs>(1, static_cast<TimeNs>(gap(rng_)) / kNanosPerSecond) * kNanosPerSecond;
}

void RandomHistory::Queue(Pending& pending, StreamId stream, std::vector<Payload> payloads,
                          TimeNs at, const std::string& actor, std::vector<Payload> parent_payloads,
                          TicketId parent) {
  const EventId primary = EventId::FromName(fmt::format("random-history:{}", options_.seed),
                                            std::to_string(commands_++));
  uint32_t index = 0;
  auto drafts = [&](std::vector<Payload>& list) {
    std::vector<EventDraft> out;
    for (Payload& p : list) {
      const EventId id = index == 0 ? primary : EventId::Derived(primary, index);
      ++index;
      out.push_back(EventDraft{id, at, actor, "random-history", std::move(p)});
    }
    return out;
  };
  // Fold first (the drafts take the payloads).
  auto fold = [&](const StreamId& s, const std::vector<Payload>& list, Version* version) {
    for (const Payload& p : list) {
      Event e;
      e.stream = s;
      e.version = ++*version;
      e.occurred_at = at;
      e.payload = p;
      if (s.is_ticket()) {
        ApplyToTicket(states_[s.ticket.value() - 1], e);
      } else {
        ApplyToReference(reference_, e);
      }
      ++events_;
    }
  };
  Version version{};
  if (stream.is_ticket()) {
    if (stream.ticket.value() > states_.size()) {
      states_.resize(stream.ticket.value());
      imported_.resize(stream.ticket.value());
      erased_.resize(stream.ticket.value());
    }
    version = states_[stream.ticket.value() - 1].version;
  } else if (stream.kind == StreamId::Kind::kQueue) {
    const QueueInfo* q = reference_.FindQueue(stream.name);
    version = q ? q->version : Version{};
  } else {
    const ServiceInfo* s = reference_.FindService(stream.name);
    version = s ? s->version : Version{};
  }
  const Version expected = version;
  fold(stream, payloads, &version);

  AppendRequest request;
  request.parts.push_back(StreamAppend{stream, expected, drafts(payloads)});
  if (!parent.is_zero()) {
    for (Payload& p : parent_payloads) std::get<ChildLinked>(p).child = stream.ticket;
    Version parent_version = states_[parent.value() - 1].version;
    const Version parent_expected = parent_version;
    fold(StreamId::Ticket(parent), parent_payloads, &parent_version);
    request.parts.push_back(
        StreamAppend{StreamId::Ticket(parent), parent_expected, drafts(parent_payloads)});
  }
  pending.requests.push_back(std::move(request));
}

void RandomHistory::DefineReference(Pending& pending) {
  auto define_queue = [&](const std::string& name, std::vector<std::string> members, bool first) {
    auto decided = DecideQueue(DefineQueue{name, std::move(members), first}, reference_);
    if (decided.ok() && *decided) {
      Queue(pending, StreamId::Queue(name), {std::move(**decided)}, now_, "admin");
    }
  };
  define_queue("Orakel", {"olga", "otto"}, true);
  define_queue("campus-saker", {"carl", "cora"}, false);
  define_queue("drift", {"dina", "dag"}, false);
  define_queue("nett", {"nils", "nora"}, false);
  for (const std::string& s : kServices) {
    auto decided = DecideService(DefineService{s, s + " service"}, reference_);
    if (decided.ok() && *decided) {
      Queue(pending, StreamId::Service(s), {std::move(**decided)}, now_, "admin");
    }
  }
}

void RandomHistory::ChangeMembers(Pending& pending) {
  const std::string& name = PickOf(kTeamQueues);
  const QueueInfo* q = reference_.FindQueue(name);
  std::vector<std::string> members(q->members.begin(), q->members.end());
  const std::string& person = PickOf(kPeople);
  auto it = std::find(members.begin(), members.end(), person);
  if (it != members.end() && members.size() > 1) {
    members.erase(it);
  } else if (it == members.end()) {
    members.push_back(person);
  }
  auto decided = DecideQueue(DefineQueue{name, members, false}, reference_);
  if (decided.ok() && *decided) {
    Queue(pending, StreamId::Queue(name), {std::move(**decided)}, now_, "admin");
  }
}

void RandomHistory::Erase(Pending& pending) {
  const TicketId id(Pick(states_.size()) + 1);
  if (erased_[id.value() - 1]) return;
  const TicketState& t = states_[id.value() - 1];
  Queue(pending, StreamId::Ticket(id), {PersonalDataErased{"request of the data subject"}},
        std::max(now_, t.updated_at), "admin");
  erased_[id.value() - 1] = true;
  ++erasures_;
  pending.erased.push_back(id.value());
  active_.erase(std::remove(active_.begin(), active_.end(), id), active_.end());
}

void RandomHistory::OpenTicket(Pending& pending) {
  ledger::OpenTicket c;
  c.service = PickOf(kServices);
  const double category = std::uniform_real_distribution<double>(0, 1)(rng_);
  c.category = category < 0.7    ? Category::kSupport
               : category < 0.8  ? Category::kIncident
               : category < 0.9  ? Category::kOrder
               : category < 0.95 ? Category::kTermination
                                 : Category::kChange;
  c.description = Description(rng_);
  c.queue = Chance(0.7) ? std::string("Orakel") : PickOf(kTeamQueues);
  c.requester = PickOf(kRequesters);
  c.channel = static_cast<Channel>(Pick(4));
  c.subject = Chance(0.8) ? fmt::format("case {}", states_.size() + 1) : "";
  const TicketState* parent = nullptr;
  if (!states_.empty() && Chance(0.03)) {
    const TicketId p(Pick(states_.size()) + 1);
    c.parent = p;
    c.category = Category::kChange;
    parent = &states_[p.value() - 1];
  }
  const TimeNs at = parent ? std::max(now_, parent->updated_at) : now_;
  auto decided = DecideOpen(c, reference_, parent, at);
  if (!decided.ok()) return;
  const TicketId id(states_.size() + 1);
  std::vector<Payload> parent_payloads;
  if (parent) parent_payloads.push_back(ChildLinked{TicketId{}});
  Queue(pending, StreamId::Ticket(id), std::move(decided).value(), at, PickOf(kPeople),
        std::move(parent_payloads), c.parent.value_or(TicketId{}));
  imported_[id.value() - 1] = Chance(options_.imported_share);
  active_.push_back(id);
}

void RandomHistory::Act(Pending& pending) {
  const size_t slot = Pick(active_.size());
  const TicketId id = active_[slot];
  const TicketState& t = states_[id.value() - 1];
  // Back-dated now and then, never before the ticket's last event.
  TimeNs at =
      std::max(t.updated_at, Chance(0.1) ? now_ - static_cast<TimeNs>(Pick(60)) * kMinute : now_);
  const bool imported = imported_[id.value() - 1];
  const std::string actor = PickOf(kPeople);
  const QueueInfo* queue = reference_.FindQueue(t.queue);

  std::vector<Payload> raw;  // imported history that bypasses the rules
  const bool can_break = imported && t.status != TicketStatus::kResolved && Chance(0.5);
  auto choose = [&]() -> TicketAction {
    switch (Pick(16)) {
      case 0:
      case 1:
        return Reply{"We are looking at it."};
      case 2:
        return RequesterMessage{"Any news?"};
      case 3:
        return Comment{"internal note"};
      case 4:
        if (can_break) raw.push_back(Stalled{"the requester's answer", 0});
        return Stall{"the requester's answer", at + static_cast<TimeNs>(1 + Pick(72)) * kHour};
      case 5:
        return Resume{};
      case 6:
        if (can_break) raw.push_back(Assigned{PickOf(kPeople)});
        return Assign{queue && !queue->members.empty() && Chance(0.9)
                          ? *std::next(queue->members.begin(), Pick(queue->members.size()))
                          : PickOf(kPeople)};
      case 7:
        return Unassign{};
      case 8:
        return Move{t.queue == "Orakel" || Chance(0.5) ? PickOf(kTeamQueues) : "Orakel", "routing"};
      case 9: {
        Update u;
        const size_t field = Pick(3);
        if (field == 0) u.service = PickOf(kServices);
        if (field == 1 && t.parent.is_zero()) u.category = static_cast<Category>(Pick(5));
        if (field == 2 || (field == 1 && !t.parent.is_zero())) u.description = Description(rng_);
        return u;
      }
      case 10:
      case 11:
        if (can_break) raw.push_back(Resolved{""});
        return Resolve{Chance(0.95) ? std::optional<std::string>("Fixed the configuration")
                                    : std::nullopt};
      case 12:
        return Reopen{"not fixed after all"};
      case 13:
      case 14:
        return InviteFeedback{};
      default:
        return GiveFeedback{static_cast<int64_t>(1 + Pick(5)), Chance(0.5) ? "thanks" : ""};
    }
  };
  const TicketAction action = choose();
  std::vector<Payload> payloads;
  if (!raw.empty()) {
    payloads = std::move(raw);
  } else {
    auto decided = DecideAction(t, reference_, action, at);
    if (!decided.ok()) return;  // the rules refused; the desk did something else
    payloads = std::move(decided).value();
  }
  const bool resolving = std::holds_alternative<Resolved>(payloads[0]);
  Queue(pending, StreamId::Ticket(id), std::move(payloads), at, actor);
  if (resolving && Chance(0.6)) {
    // The service centre's invitation, mostly within 2 h of the answer.
    const TimeNs invited = at + static_cast<TimeNs>(1 + Pick(180)) * kMinute;
    Queue(pending, StreamId::Ticket(id), {FeedbackInvited{}}, invited, "olga");
  }
  // Resolved tickets leave the active set now and then, so it stays small.
  if (states_[id.value() - 1].status == TicketStatus::kResolved && Chance(0.3)) {
    active_[slot] = active_.back();
    active_.pop_back();
  }
}

Status RandomHistory::Flush(EventLog& log, Pending& pending) {
  if (pending.requests.empty()) return Status::Ok();
  TimeNs latest = clock_.now();
  for (const AppendRequest& r : pending.requests) {
    for (const StreamAppend& part : r.parts) {
      for (const EventDraft& d : part.events) latest = std::max(latest, d.occurred_at);
    }
  }
  clock_.Set(latest);
  auto results = log.AppendBatch(std::move(pending.requests));
  pending.requests.clear();
  for (const auto& r : results) {
    if (!r.ok()) return Status::Internal("random history refused: " + r.status().ToString());
  }
  if (pending.erased.empty()) return Status::Ok();
  // The erasures' events are committed: now their keys go (app/erasure.h's order).
  if (!log.keys()) return Status::Internal("random history: erasures need a log with data keys");
  Status destroyed = log.keys()->Destroy(pending.erased);
  pending.erased.clear();
  return destroyed;
}

Status RandomHistory::Extend(EventLog& log, size_t tickets) {
  Pending pending;
  if (!defined_) {
    DefineReference(pending);
    defined_ = true;
  }
  const size_t target = states_.size() + tickets;
  while (states_.size() < target) {
    now_ += NextGap();
    const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.005) {
      ChangeMembers(pending);
    } else if (r < 0.005 + options_.erasure_share && !states_.empty()) {
      Erase(pending);
    } else if (r < 0.2 || active_.empty()) {
      OpenTicket(pending);
    } else {
      Act(pending);
    }
    if (pending.requests.size() >= options_.batch) TL_RETURN_IF_ERROR(Flush(log, pending));
  }
  return Flush(log, pending);
}

Result<ledger::Seq> WriteRandomHistory(const std::string& dir, uint64_t seed, size_t tickets) {
  RandomHistory history(RandomHistoryOptions{.seed = seed});
  ledger::LogOptions options;
  options.sync = false;
  options.clock = history.clock();
  // Sealed, as the product writes (docs/privacy.md): servers are started on these ledgers.
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  TL_ASSIGN_OR_RETURN(options.keys, app::OpenDataKeys(dir, "", /*create=*/true));
  TL_ASSIGN_OR_RETURN(auto log, ledger::EventLog::Open(dir, options));
  TL_RETURN_IF_ERROR(history.Extend(*log, tickets));
  return log->Head().seq;
}

}  // namespace tl::testing
