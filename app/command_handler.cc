#include "app/command_handler.h"

#include <fmt/format.h>

#include <future>

#include "ledger/domain/overloaded.h"
#include "ledger/domain/ticket_rules.h"
#include "ledger/domain/time_format.h"
#include "ledger/store/hash_chain.h"

namespace tl::app {

using namespace ledger;  // NOLINT: the domain's vocabulary throughout
namespace {

// Retries of a command that lost a race for its stream. Each retry means another writer
// committed to the same ticket in between, so 16 is far beyond what real contention reaches.
constexpr int kMaxAttempts = 16;

// Length-prefixed fields, so that ("ab","c") and ("a","bc") differ.
class Material {
 public:
  Material& Add(std::string_view field) {
    out_ += std::to_string(field.size());
    out_.push_back(':');
    out_ += field;
    return *this;
  }
  Material& Add(int64_t v) { return Add(std::to_string(v)); }
  Material& Add(uint64_t v) { return Add(std::to_string(v)); }
  Material& AddOptional(const std::optional<std::string>& v) {
    return v ? Add("1").Add(*v) : Add("0");
  }
  Material& AddMeta(const CommandMeta& meta) {
    Add(meta.actor);
    return meta.occurred_at ? Add("at").Add(int64_t{*meta.occurred_at}) : Add("now");
  }
  Hash Digest() const { return Sha256({out_}); }

 private:
  std::string out_;
};

std::vector<EventDraft> Drafts(std::vector<Payload> payloads, const EventId& primary,
                               uint32_t* index, TimeNs occurred_at, const CommandMeta& meta) {
  std::vector<EventDraft> drafts;
  for (Payload& p : payloads) {
    EventId id = *index == 0 ? primary : EventId::Derived(primary, *index);
    ++*index;
    drafts.push_back(EventDraft{id, occurred_at, meta.actor, meta.recorded_by, std::move(p)});
  }
  return drafts;
}

// The fields of a mail record (RecordMail), which only the server issues.
void AddMailRecord(Material& m, const RecordMail& a) {
  std::visit(
      Overloaded{
          [&](const MailSent& r) { m.Add(MailKindName(r.kind)).Add(r.message_id).Add(r.to); },
          [&](const MailFailed& r) {
            m.Add(MailKindName(r.kind)).Add(r.message_id).Add(r.to).Add(r.reason);
          },
          [&](const MailBounced& r) {
            m.Add(r.message_id).Add(r.detail);
            for (const auto& to : r.recipients) m.Add(to);
          },
      },
      a.record);
}

}  // namespace

Hash CommandFingerprint(const OpenTicket& c, const CommandMeta& meta) {
  Material m;
  m.Add("open")
      .Add(c.service)
      .Add(CategoryName(c.category))
      .Add(c.description)
      .Add(c.queue)
      .Add(c.requester)
      .Add(ChannelName(c.channel))
      .Add(c.subject)
      .Add(c.parent.value_or(TicketId{}).value())
      .Add(c.external_ref);
  // Only when set, so that the fingerprints recorded before mail intake existed still match.
  if (c.unclassified) m.Add("unclassified");
  if (!c.first_message.empty()) m.Add("first_message").Add(c.first_message);
  if (!c.acknowledge) m.Add("no_acknowledgement");
  return m.AddMeta(meta).Digest();
}

Hash CommandFingerprint(TicketId ticket, const TicketAction& action, const CommandMeta& meta) {
  Material m;
  m.Add("act").Add(ticket.value()).Add(ActionName(action));
  std::visit(Overloaded{
                 [&](const Reply& a) { m.Add(a.body); },
                 [&](const RequesterMessage& a) { m.Add(a.body); },
                 [&](const Comment& a) { m.Add(a.body); },
                 [&](const Stall& a) {
                   m.AddOptional(a.awaiting);
                   m.AddOptional(a.follow_up_at ? std::optional(std::to_string(*a.follow_up_at))
                                                : std::nullopt);
                 },
                 [&](const Resume&) {},
                 [&](const Assign& a) { m.Add(a.owner); },
                 [&](const Unassign&) {},
                 [&](const Move& a) { m.Add(a.queue).Add(a.reason); },
                 [&](const Update& a) {
                   m.AddOptional(a.service)
                       .AddOptional(a.category
                                        ? std::optional(std::string(CategoryName(*a.category)))
                                        : std::nullopt)
                       .AddOptional(a.description)
                       .AddOptional(a.requester)
                       .AddOptional(a.subject);
                 },
                 [&](const Resolve& a) { m.AddOptional(a.solution); },
                 [&](const Reopen& a) { m.Add(a.reason); },
                 [&](const InviteFeedback&) {},
                 [&](const GiveFeedback& a) {
                   m.AddOptional(a.score ? std::optional(std::to_string(*a.score)) : std::nullopt)
                       .Add(a.comment);
                 },
                 [&](const RecordMail& a) { AddMailRecord(m, a); },
             },
             action);
  return m.AddMeta(meta).Digest();
}

Hash CommandFingerprint(const DefineQueue& c, const CommandMeta& meta) {
  Material m;
  m.Add("queue").Add(c.name).Add(c.first_line ? "first_line" : "team");
  for (const auto& member : c.members) m.Add(member);
  return m.AddMeta(meta).Digest();
}

Hash CommandFingerprint(const DefineService& c, const CommandMeta& meta) {
  return Material().Add("service").Add(c.name).Add(c.title).AddMeta(meta).Digest();
}

Result<TicketState> LogStateSource::LoadTicket(TicketId id) {
  TicketState state;
  TL_ASSIGN_OR_RETURN(auto events, log_.ReadStream(StreamId::Ticket(id)));
  for (const StoredEvent& e : events) ApplyToTicket(state, e.event);
  return state;
}

Result<std::shared_ptr<const ReferenceData>> LogStateSource::LoadReference() {
  auto data = std::make_shared<ReferenceData>();
  // Reference streams are few and short; scanning the log for them keeps this class free of
  // any index of its own. The projections keep them in memory for the server.
  TL_RETURN_IF_ERROR(log_.Scan(Seq{1}, log_.Head().seq, [&](const StoredEvent& e) {
    if (!e.event.stream.is_ticket()) ApplyToReference(*data, e.event);
    return Status::Ok();
  }));
  return std::shared_ptr<const ReferenceData>(std::move(data));
}

struct CommandHandler::Attempt {
  AnyCommand command;
  TicketId ticket{};
  CommandMeta meta;
  CommandDone done;
  Hash fingerprint{};
  EventId event_id;
  int tries = 0;
};

CommandHandler::CommandHandler(EventLog& log, StateSource& states, Clock clock, TimeNs max_ahead)
    : log_(log), states_(states), clock_(std::move(clock)), max_ahead_(max_ahead) {}

void CommandHandler::Run(std::shared_ptr<Attempt> a) {
  if (a->tries++ == 0 && a->meta.event_id) {
    auto found = log_.LookupEventId(a->event_id);
    if (!found.ok()) return a->done(found.status());
    if (*found) {
      const IdempotencyRecord& record = **found;
      if (record.fingerprint != a->fingerprint) {
        return a->done(Status::IdempotencyConflict(
            fmt::format("event id {} was used for other content", a->event_id.ToString())));
      }
      return a->done(CommandResult{record.result.stream.ticket, record.result.version,
                                   record.result.last_seq, true, true});
    }
  }

  const CommandMeta& meta = a->meta;
  if (meta.occurred_at) {
    const TimeNs now = clock_();
    if (*meta.occurred_at > now && *meta.occurred_at - now > max_ahead_) {
      return a->done(Status::Rule(
          "time_in_future",
          fmt::format("occurred_at {} is more than {} s ahead of the server's clock ({})",
                      FormatRfc3339(*meta.occurred_at), max_ahead_ / ledger::kNanosPerSecond,
                      FormatRfc3339(now))));
    }
  }
  auto occurred = [&](TimeNs not_before) {
    return meta.occurred_at.value_or(std::max(clock_(), not_before));
  };
  auto ref = states_.LoadReference();
  if (!ref.ok()) return a->done(ref.status());

  AppendRequest request;
  request.fingerprint = a->fingerprint;
  request.ids_are_fresh = !a->meta.event_id;
  uint32_t index = 0;

  if (auto* open = std::get_if<OpenTicket>(&a->command)) {
    TicketState parent;
    if (open->parent) {
      auto loaded = states_.LoadTicket(*open->parent);
      if (!loaded.ok()) return a->done(loaded.status());
      parent = std::move(loaded).value();
    }
    const TimeNs at = occurred(parent.updated_at);
    auto events = DecideOpen(*open, **ref, open->parent ? &parent : nullptr, at);
    if (!events.ok()) return a->done(events.status());
    request.parts.push_back(
        StreamAppend{StreamId::NewTicket(), Version{0},
                     Drafts(std::move(events).value(), a->event_id, &index, at, meta)});
    if (open->parent) {
      request.parts.push_back(
          StreamAppend{StreamId::Ticket(*open->parent), parent.version,
                       Drafts({ChildLinked{TicketId{}}}, a->event_id, &index, at, meta)});
    }
  } else if (auto* action = std::get_if<TicketAction>(&a->command)) {
    auto state = states_.LoadTicket(a->ticket);
    if (!state.ok()) return a->done(state.status());
    if (!state->exists()) {
      return a->done(Status::NotFound(fmt::format("ticket {} does not exist", a->ticket)));
    }
    if (meta.expected_version && *meta.expected_version != state->version) {
      return a->done(
          Status::VersionConflict(fmt::format("ticket {} is at version {}, not {}", a->ticket,
                                              state->version, *meta.expected_version),
                                  state->version.value()));
    }
    const TimeNs at = occurred(state->updated_at);
    auto events = DecideAction(*state, **ref, *action, at);
    if (!events.ok()) return a->done(events.status());
    request.parts.push_back(
        StreamAppend{StreamId::Ticket(a->ticket), state->version,
                     Drafts(std::move(events).value(), a->event_id, &index, at, meta)});
  } else {
    const auto* queue = std::get_if<DefineQueue>(&a->command);
    const auto* service = std::get_if<DefineService>(&a->command);
    auto decided = queue ? DecideQueue(*queue, **ref) : DecideService(*service, **ref);
    if (!decided.ok()) return a->done(decided.status());
    const Version current =
        queue
            ? ((*ref)->FindQueue(queue->name) ? (*ref)->FindQueue(queue->name)->version : Version{})
            : ((*ref)->FindService(service->name) ? (*ref)->FindService(service->name)->version
                                                  : Version{});
    if (!*decided) return a->done(CommandResult{TicketId{}, current, Seq{}, false, false});
    StreamId stream = queue ? StreamId::Queue(queue->name) : StreamId::Service(service->name);
    request.parts.push_back(
        StreamAppend{std::move(stream), current,
                     Drafts({std::move(**decided)}, a->event_id, &index, occurred(0), meta)});
  }

  log_.AppendAsync(std::move(request), [this, a](Result<AppendResult> r) {
    if (!r.ok() && r.status().reason() == reason::kVersionConflict && !a->meta.expected_version &&
        a->tries < kMaxAttempts) {
      return Run(a);  // someone else wrote first: decide again on the new state
    }
    if (!r.ok()) return a->done(r.status());
    a->done(CommandResult{r->stream.ticket, r->version, r->last_seq, r->replayed, true});
  });
}

void CommandHandler::Start(AnyCommand command, TicketId ticket, Hash fingerprint, CommandMeta meta,
                           CommandDone done) {
  auto a = std::make_shared<Attempt>();
  a->command = std::move(command);
  a->ticket = ticket;
  a->fingerprint = fingerprint;
  a->event_id = meta.event_id.value_or(EventId::Random());
  a->meta = std::move(meta);
  a->done = std::move(done);
  Run(std::move(a));
}

void CommandHandler::OpenAsync(OpenTicket command, CommandMeta meta, CommandDone done) {
  Hash fingerprint = CommandFingerprint(command, meta);
  Start(std::move(command), TicketId{}, fingerprint, std::move(meta), std::move(done));
}

void CommandHandler::ActAsync(TicketId ticket, TicketAction action, CommandMeta meta,
                              CommandDone done) {
  Hash fingerprint = CommandFingerprint(ticket, action, meta);
  Start(std::move(action), ticket, fingerprint, std::move(meta), std::move(done));
}

void CommandHandler::DefineQueueAsync(DefineQueue command, CommandMeta meta, CommandDone done) {
  Hash fingerprint = CommandFingerprint(command, meta);
  Start(std::move(command), TicketId{}, fingerprint, std::move(meta), std::move(done));
}

void CommandHandler::DefineServiceAsync(DefineService command, CommandMeta meta, CommandDone done) {
  Hash fingerprint = CommandFingerprint(command, meta);
  Start(std::move(command), TicketId{}, fingerprint, std::move(meta), std::move(done));
}

namespace {

template <typename Start>
Result<CommandResult> Wait(Start start) {
  std::promise<Result<CommandResult>> promise;
  auto future = promise.get_future();
  start([&promise](Result<CommandResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace

Result<CommandResult> CommandHandler::Open(OpenTicket command, CommandMeta meta) {
  return Wait([&](CommandDone done) { OpenAsync(std::move(command), std::move(meta), done); });
}
Result<CommandResult> CommandHandler::Act(TicketId ticket, TicketAction action, CommandMeta meta) {
  return Wait(
      [&](CommandDone done) { ActAsync(ticket, std::move(action), std::move(meta), done); });
}
Result<CommandResult> CommandHandler::Define(DefineQueue command, CommandMeta meta) {
  return Wait(
      [&](CommandDone done) { DefineQueueAsync(std::move(command), std::move(meta), done); });
}
Result<CommandResult> CommandHandler::Define(DefineService command, CommandMeta meta) {
  return Wait(
      [&](CommandDone done) { DefineServiceAsync(std::move(command), std::move(meta), done); });
}

}  // namespace tl::app
