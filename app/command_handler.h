// CommandHandler: the write path. Loads the state a command needs, lets the rules decide,
// and appends the events with the version the decision was made on; when another writer got
// there first (and the caller did not pin expected_version) it decides again on the new state.
//
// Idempotency: a command that carries an event id is first looked up; the same id with the same
// content returns the original result and appends nothing, other content is
// an idempotency conflict (kAborted). "Content" is the command's fingerprint (CommandFingerprint):
// its kind, target, fields, actor and any explicit occurred_at.
//
// Thread-safety: all methods may be called concurrently. Callbacks run on the log's writer
// thread (or the caller's thread when the command is refused before reaching the log).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ledger/domain/commands.h"
#include "ledger/domain/ticket_state.h"
#include "ledger/store/event_log.h"
#include "projections/projections.h"

namespace tl::app {

// The ledger's vocabulary, used here unqualified.
using ledger::Clock;
using ledger::DefineQueue;
using ledger::DefineService;
using ledger::EventId;
using ledger::EventLog;
using ledger::Hash;
using ledger::OpenTicket;
using ledger::ReferenceData;
using ledger::Seq;
using ledger::SystemClockNow;
using ledger::TicketAction;
using ledger::TicketId;
using ledger::TicketState;
using ledger::TimeNs;
using ledger::Version;

// Where the handler reads current state from: the projections in the server, the log itself in
// tools and tests. Must reflect every commit whose append has returned.
class StateSource {
 public:
  virtual ~StateSource() = default;
  // The ticket's current state; version 0 when it does not exist.
  virtual Result<TicketState> LoadTicket(TicketId id) = 0;
  virtual Result<std::shared_ptr<const ReferenceData>> LoadReference() = 0;
};

// The read models, which the server keeps current by applying every commit before its appends
// return (read-your-writes): the server's state source.
class ProjectionStateSource : public StateSource {
 public:
  explicit ProjectionStateSource(const projections::Projections& projections)
      : projections_(projections) {}
  Result<TicketState> LoadTicket(TicketId id) override { return projections_.LoadTicket(id); }
  Result<std::shared_ptr<const ReferenceData>> LoadReference() override {
    return projections_.LoadReference();
  }

 private:
  const projections::Projections& projections_;
};

// Folds state straight from the log on every call. Simple and always right; slow for bulk use.
class LogStateSource : public StateSource {
 public:
  explicit LogStateSource(const EventLog& log) : log_(log) {}
  Result<TicketState> LoadTicket(TicketId id) override;
  Result<std::shared_ptr<const ReferenceData>> LoadReference() override;

 private:
  const EventLog& log_;
};

struct CommandMeta {
  std::string actor;                  // who did it
  std::string recorded_by;            // whose token recorded it
  std::optional<TimeNs> occurred_at;  // default: now (never before the ticket's last event)
  std::optional<EventId> event_id;    // default: a random id
  std::optional<Version> expected_version;
};

struct CommandResult {
  TicketId id{};          // the ticket (0 for queues and services)
  Version version{};      // the ticket's (or queue's, service's) version after the command
  Seq seq{};              // the commit's highest seq; 0 when nothing was appended
  bool replayed = false;  // an idempotent retry: nothing appended
  bool changed = true;    // false: a definition that changed nothing, so nothing appended
};

using CommandDone = std::function<void(Result<CommandResult>)>;

class CommandHandler {
 public:
  // An `occurred_at` more than this far ahead of `clock` is refused (`time_in_future`): a
  // mistyped year would otherwise pin every later action on the ticket to that future time
  // (docs/api.md, "Writes").
  static constexpr TimeNs kDefaultMaxAhead = 5 * 60 * ledger::kNanosPerSecond;

  CommandHandler(EventLog& log, StateSource& states, Clock clock = SystemClockNow,
                 TimeNs max_ahead = kDefaultMaxAhead);

  void OpenAsync(OpenTicket command, CommandMeta meta, CommandDone done);
  void ActAsync(TicketId ticket, TicketAction action, CommandMeta meta, CommandDone done);
  void DefineQueueAsync(DefineQueue command, CommandMeta meta, CommandDone done);
  void DefineServiceAsync(DefineService command, CommandMeta meta, CommandDone done);

  // Blocking forms, for tools and tests.
  Result<CommandResult> Open(OpenTicket command, CommandMeta meta);
  Result<CommandResult> Act(TicketId ticket, TicketAction action, CommandMeta meta);
  Result<CommandResult> Define(DefineQueue command, CommandMeta meta);
  Result<CommandResult> Define(DefineService command, CommandMeta meta);

 private:
  using AnyCommand = std::variant<OpenTicket, TicketAction, DefineQueue, DefineService>;
  struct Attempt;
  void Start(AnyCommand command, TicketId ticket, Hash fingerprint, CommandMeta meta,
             CommandDone done);
  void Run(std::shared_ptr<Attempt> attempt);

  EventLog& log_;
  StateSource& states_;
  Clock clock_;
  TimeNs max_ahead_;
};

// What "the same content" means for a retried command (see above).
Hash CommandFingerprint(const OpenTicket& command, const CommandMeta& meta);
Hash CommandFingerprint(TicketId ticket, const TicketAction& action, const CommandMeta& meta);
Hash CommandFingerprint(const DefineQueue& command, const CommandMeta& meta);
Hash CommandFingerprint(const DefineService& command, const CommandMeta& meta);

}  // namespace tl::app
