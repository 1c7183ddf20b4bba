// RandomHistory: seeded, rule-abiding ticket histories for property tests and benchmarks.
//
// Every action is decided by ledger::Decide* on the ticket's current state (refusals are simply
// skipped), so the log holds only what the live API could have written, except that a share of
// tickets (`imported_share`) is recorded as imported history may be: resolutions without a
// solution, stalls without a follow-up time, owners outside their queue. The mix covers every
// event type: first-line intake with acknowledgements, replies, requester messages (reopening
// resolved tickets), comments, stalls and resumes, assignments, moves (misroutes back to
// Orakel), updates of service, category and description, resolutions, reopens, feedback
// invitations (within 2 h and late), feedback, child change tickets, and queue membership
// changes along the way. occurred_at sometimes lags the simulated clock (back-dated entries),
// so it is not monotonic along the log, as in imported history.
//
// With `erasure_share` > 0, tickets are erased now and then among the other actions, as
// POST /api/v1/privacy/erasures does (app/erasure.h): a `personal_data_erased` event, then, once
// it is committed, the ticket's data key destroyed. That needs a log opened with data keys
// (OpenSealedLog); an erased ticket sees no more activity (its personal fields could not be
// sealed), though it may still become a parent.
//
// Appends go through EventLog::AppendBatch in bulk, with a simulated clock for recorded_at:
// open the log with clock() so that equal options give byte-identical logs. The builder keeps
// its own fold of the state, so one history can be extended across reopened logs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "ledger/domain/ticket_state.h"
#include "ledger/store/event_log.h"
#include "tests/support/fixtures.h"

namespace tl::testing {

struct RandomHistoryOptions {
  uint64_t seed = 1;
  ledger::TimeNs start = kMonday;
  // Mean simulated time between two actions (anywhere in the desk).
  ledger::TimeNs mean_gap = 10 * kMinute;
  double imported_share = 0.1;
  size_t batch = 256;  // appends per AppendBatch
  // The chance that a step of the desk is an erasure of a ticket's personal data.
  double erasure_share = 0;
};

class RandomHistory {
 public:
  explicit RandomHistory(RandomHistoryOptions options);

  // The simulated clock to open logs with (recorded_at follows the simulated time).
  ledger::Clock clock() const { return clock_.AsClock(); }
  // Appends activity to `log` until `tickets` more tickets have been opened. Any refusal by the
  // log is a bug in the builder: kInternal.
  Status Extend(ledger::EventLog& log, size_t tickets);

  uint64_t events() const { return events_; }
  uint64_t tickets() const { return states_.size(); }
  uint64_t erasures() const { return erasures_; }

 private:
  struct Pending;
  void DefineReference(Pending& pending);
  void OpenTicket(Pending& pending);
  void Act(Pending& pending);
  void ChangeMembers(Pending& pending);
  void Erase(Pending& pending);
  // Folds the payloads into the builder's state and queues them as one append.
  void Queue(Pending& pending, ledger::StreamId stream, std::vector<ledger::Payload> payloads,
             ledger::TimeNs at, const std::string& actor,
             std::vector<ledger::Payload> parent_payloads = {}, ledger::TicketId parent = {});
  Status Flush(ledger::EventLog& log, Pending& pending);

  ledger::TimeNs NextGap();
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& PickOf(const std::vector<T>& v) {
    return v[Pick(v.size())];
  }

  RandomHistoryOptions options_;
  std::mt19937_64 rng_;
  ManualClock clock_;
  ledger::TimeNs now_;
  uint64_t events_ = 0;
  uint64_t commands_ = 0;  // for event ids
  uint64_t erasures_ = 0;
  bool defined_ = false;
  ledger::ReferenceData reference_;
  std::vector<ledger::TicketState> states_;  // [id - 1]
  std::vector<bool> imported_;               // [id - 1]
  std::vector<bool> erased_;                 // [id - 1]
  std::vector<ledger::TicketId> active_;     // tickets that still see activity
};

// A random history of `tickets` tickets written to a new log in `dir` (unsynced) and closed, as a
// stopped server leaves it, for the tools' tests. Returns the head seq.
Result<ledger::Seq> WriteRandomHistory(const std::string& dir, uint64_t seed, size_t tickets);

}  // namespace tl::testing
