// Desk: a service desk for known-answer tests: a real log in a temp dir, the projections
// attached to it, the command handler writing through them, the standard reference data
// (fixtures.h), and a manual clock that follows each action's occurred_at.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "app/command_handler.h"
#include "ledger/store/event_log.h"
#include "projections/projections.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace tl::testing {

class Desk {
 public:
  explicit Desk(projections::Options options = Quiet());
  ~Desk();

  // Opens a ticket at `at`; returns its id.
  ledger::TicketId Open(ledger::OpenTicket ticket, ledger::TimeNs at, std::string actor = "olga");
  // An action at `at`; REQUIREs that the rules accept it.
  app::CommandResult Act(ledger::TicketId id, ledger::TicketAction action, ledger::TimeNs at,
                         std::string actor = "olga");
  // An event as imported history records it, bypassing the rules (an empty solution, a stall
  // without a follow-up time, an owner outside the queue).
  void Imported(ledger::TicketId id, ledger::Payload payload, ledger::TimeNs at);
  void DefineQueue(std::string name, std::vector<std::string> members, bool first_line = false);
  void DefineService(std::string name);

  // Typed report R; REQUIREs success.
  template <class R>
  R Report(const projections::ReportParams& params = {}) {
    auto r = projections_->reports().Query<R>(params);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return std::move(r)->report;
  }
  std::string Metrics(size_t top_label_values = projections::kDefaultTopLabelValues);

  // Closes everything (writing a checkpoint first when asked) and opens it again.
  void Restart(bool checkpoint, projections::Options options = Quiet());

  ledger::EventLog& log() { return *log_; }
  projections::Projections& projections() { return *projections_; }
  ManualClock& clock() { return clock_; }
  const TempDir& dir() const { return dir_; }

  static projections::Options Quiet();

 private:
  void Start(projections::Options options);
  void Stop();

  TempDir dir_;
  ManualClock clock_{kMonday};
  std::unique_ptr<ledger::EventLog> log_;
  std::unique_ptr<projections::Projections> projections_;
  std::unique_ptr<app::ProjectionStateSource> states_;
  std::unique_ptr<app::CommandHandler> handler_;
};

// RFC 3339 -> TimeNs, for readable test histories.
ledger::TimeNs At(std::string_view rfc3339);

}  // namespace tl::testing
