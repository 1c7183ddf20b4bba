// Projections: the read models, folded from the log in seq order (docs/projections.md).
//
// One object owns the read models of a ModelRegistry and keeps them current: at Open it loads
// each model's checkpoint (if its version stamp matches) and replays the tail of the log; then,
// registered as the log's commit listener, it applies every commit before the appends of that
// commit return, which gives read-your-writes. Nothing here reads the wall clock: "now" is a
// query parameter or the latest event's occurred_at, so two replays of the same log answer the
// same. The work is split by job: the projector folds (projector.h), checkpointing loads and
// writes checkpoints (checkpointing.h), the report service answers typed report queries
// (report_service.h); this facade wires them and answers the ticket queries.
//
// Checkpoints: an attached Projections writes them every Options::checkpoint_every events on a
// background thread, which rebuilds the state at that seq from the previous checkpoint and the
// log (the commit path only signals it), and at Checkpoint(). The background work ends when the
// log releases its commit listener, which it does before it closes its database.
//
// Thread-safety: queries may run concurrently with each other and with Apply (a reader-writer
// lock; Apply holds it exclusively for the length of one commit and, waiting, goes before new
// readers). Ownership: the caller owns the Projections and must destroy it after the EventLog
// stops calling it (destroy the log first, or never attach); the log must outlive it while it
// is attached.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/ticket_state.h"
#include "ledger/domain/ticket_texts.h"
#include "ledger/store/event_log.h"
#include "projections/model_registry.h"
#include "projections/report_service.h"

namespace tl::projections {

// How many values of the service and of the queue label in /metrics keep their own series by
// default, and at least: the contract's minimum (docs/api.md "Operations", v2).
inline constexpr size_t kDefaultTopLabelValues = 20;

using ledger::Seq;
using ledger::TicketId;
using ledger::TicketState;
using ledger::TimeNs;

struct Options {
  // Load checkpoints at Open and write them every `checkpoint_every` applied events (and at
  // Checkpoint()). Off for the replay tool, which always starts from seq 1.
  bool use_checkpoints = true;
  uint64_t checkpoint_every = 200'000;
  // Stop the initial catch-up at this seq, or before the first event recorded after to_time
  // (what the ledger knew at that time; recorded_at never decreases along the log). For
  // `replay --to-seq / --to-time`; only for a Projections that is not attached to the log.
  std::optional<Seq> to_seq;
  std::optional<TimeNs> to_time;
  // Fold only the events that occurred at or before this time (docs/api.md `as_of=<time>`).
  // occurred_at does not grow along the log, so this is a filter over the whole log, not a
  // prefix; the events it keeps are renumbered from seq 1, as a ledger that held only them would
  // number them (within one stream they are a prefix, so versions stay as they are). Only for a
  // Projections that is not attached to the log.
  std::optional<TimeNs> occurred_by;
  // Check each event's bytes against the log's hash chain during the catch-up (a SHA-256 per
  // event): a mismatch fails Open with kCorruption naming the seq. For the auditor's replay.
  bool verify_chain = false;
  // Look each ticket's data key up once per catch-up instead of once per event
  // (ledger::DataKeyCache). A switch so that the benchmarks can compare (bench seal).
  bool cache_data_keys = true;
  // Called during catch-up with (events applied, events to apply).
  std::function<void(Seq done, Seq total)> progress;
  // Called with one line when a checkpoint is ignored (and its model rebuilt) or cannot be
  // written. Neither is an error: the models stay right, only a restart takes longer. May be
  // called from the background checkpoint thread.
  std::function<void(std::string_view note)> note;
};

// What Open found and what the checkpointing has done since, for operations and tests.
struct CheckpointInfo {
  struct Model {
    std::string name;
    uint32_t version = 0;
    Seq loaded_seq{};  // the seq of the checkpoint it started from; 0 = rebuilt from seq 1
  };
  std::vector<Model> models;  // "tickets" first
  uint64_t written = 0;       // checkpoints written since Open (each covering every model)
  Seq last_written_seq{};
  double last_write_seconds = 0;  // building (background) or encoding, plus writing
};

struct TicketFilter {
  std::vector<ledger::TicketStatus> statuses;  // empty = any
  std::optional<std::string> queue;
  std::optional<std::string> service;
  std::optional<std::string> owner;
  std::optional<ledger::Category> category;
  // A further test each listed ticket must pass; unset: none. Runs under the read models' lock:
  // it must not call back into them, and should not read the log, which commits would wait for
  // (the requester lookup reads requesters outside the lock: app/requester_lookup.h).
  std::function<bool(const TicketState&)> also;
  TicketId after{};    // exclusive
  size_t limit = 100;  // already capped by the caller
};

struct TicketPage {
  std::vector<TicketState> tickets;  // ordered by id
  std::optional<TicketId> next;      // the `after` of the next page; nullopt on the last page
};

class Projections {
 public:
  // Builds the read models `models` lists (StandardModels() for docs/api.md's) from `log`
  // (checkpoints + tail, or from seq 1). With attach, registers as the log's commit listener
  // (call before the first append). kInternal if two models share a name.
  static Result<std::unique_ptr<Projections>> Open(ledger::EventLog& log, ModelRegistry models,
                                                   Options options, bool attach);
  ~Projections();
  Projections(const Projections&) = delete;
  Projections& operator=(const Projections&) = delete;

  // The current state of a ticket (version 0 when it does not exist) and of the reference
  // data, reflecting every applied commit: what the command handler decides on
  // (app::ProjectionStateSource).
  Result<TicketState> LoadTicket(TicketId id) const;
  Result<std::shared_ptr<const ledger::ReferenceData>> LoadReference() const;

  // The commit listener: applies a commit's events (in seq order, contiguous with the last).
  void Apply(const std::vector<ledger::Event>& events);

  Seq applied_seq() const;
  // How many events the log's head is ahead of applied_seq() (never negative: the applied seq
  // is read first and the head only grows). A healthy attached Projections trails by at most
  // the commit being applied.
  uint64_t Lag() const;
  // The latest applied event's occurred_at (the default "now" of reports); 0 when empty.
  TimeNs latest_occurred_at() const;
  // Writes every model's checkpoint now (e.g. at shutdown).
  Status Checkpoint();
  CheckpointInfo checkpoint_info() const;
  // SHA-256 (hex) of each model's checkpoint encoding, by model name: equal digests mean equal
  // states, whatever order things happened in (replays compare them).
  std::map<std::string, std::string> StateDigests() const;

  std::optional<TicketState> Ticket(TicketId id) const;
  size_t ticket_count() const;
  TicketPage ListTickets(const TicketFilter& filter) const;
  std::shared_ptr<const ledger::ReferenceData> Reference() const;

  // The personal texts of a state this Projections gave (Ticket, ListTickets, TicketAsOf, or
  // those of a past point's projections), read from the log (ticket_texts.h): the read models
  // keep none. Reads the log without the models' lock.
  Result<ledger::TicketTexts> TextsOf(const TicketState& state) const;
  Result<std::vector<ledger::TicketTexts>> TextsOf(const std::vector<TicketState>& states) const;

  // Ticket `id` as it stood at a point in the past, folded from its stream in the log (see
  // the free function below).
  Result<TicketState> TicketAsOf(TicketId id, const AsOf& as_of) const;

  // The reports of the registered models, typed (report_service.h); reports().At(point) gives
  // the projections as of a past point (past_points.h).
  const ReportService& reports() const;

  // The event-derived Prometheus families of docs/api.md, in text format 0.0.4 (HELP and TYPE
  // lines included): ticketledger_first_response_seconds, ticketledger_resolution_seconds,
  // ticketledger_tickets_open, ticketledger_tickets_created_total, ticketledger_events_total.
  // Nothing when the registry has no metrics model. The service and queue labels keep their own
  // values for their `top_label_values` most frequent (metrics.h, "Bounded labels").
  void WriteMetrics(std::string* out, size_t top_label_values = kDefaultTopLabelValues) const;

 private:
  struct Impl;
  explicit Projections(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Ticket `id` as it stood at `as_of`, folded from its stream. kNotFound when it did not exist
// then.
Result<TicketState> TicketAsOf(const ledger::EventLog& log, TicketId id, const AsOf& as_of);

}  // namespace tl::projections
