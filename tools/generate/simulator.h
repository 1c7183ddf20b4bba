// Simulator: a discrete-event simulation of the desk over [end - days, end).
//
// Inquiries arrive on the desk's volume profile (calendar.h); each ticket then follows the
// procedure of docs/domain.md one command per step: first-line intake and routing (with misroutes
// returned to Orakel), pick-up by a team member, replies and requester messages, stalls with
// follow-up dates, owner changes, child change tickets, resolution with a solution, feedback
// invitations and scores, reopens. Each step is one command at the step's time, executed
// through CommandPath (the ledger's rules), and the next step is scheduled; steps run in time
// order over all tickets, so the log's order follows occurred_at. Nothing happens at or after
// `end`: tickets still in progress then stay open, as on a real desk.
//
// Every random choice comes from the seed: the arrivals from one stream, each ticket's life
// from a stream of its own. docs/generate.md lists the distributions and rates.
//
// Not thread-safe; Run once.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "ledger/domain/ticket_state.h"
#include "tools/generate/catalogue.h"
#include "tools/generate/command_path.h"
#include "tools/generate/rng.h"

namespace tl::tools::generate {

struct SimulationOptions {
  uint64_t inquiries = 0;  // tickets opened by (or for) requesters; change tickets come on top
  uint64_t seed = 1;
  ledger::TimeNs start = 0;
  ledger::TimeNs end = 0;
};

// What the simulation did, for the summary line.
struct SimulationTotals {
  uint64_t inquiries = 0;
  uint64_t children = 0;
  uint64_t misroutes = 0;
  uint64_t reopens = 0;
  uint64_t resolutions = 0;
  uint64_t invitations = 0;
  uint64_t feedback = 0;
};

class Simulator {
 public:
  // `catalogue` and `path` must outlive the simulator. `progress` is told how many inquiries
  // have arrived (may be empty).
  Simulator(SimulationOptions options, const Catalogue& catalogue, CommandPath& path,
            std::function<void(uint64_t arrived)> progress);

  // Defines the queues and services, then simulates. Stops at the first error.
  Status Run();
  const SimulationTotals& totals() const { return totals_; }

 private:
  enum class Step : uint8_t {
    kTriage,           // first line: fix the service, route to a team, or answer itself
    kPickup,           // a queue's member takes the ticket (or sends a misroute back)
    kAgentTurn,        // the owner does the next thing: reply, child, comment, reassign, ...
    kStall,            // the owner stalls right after asking for something
    kFollowUp,         // a stall's follow-up date has come
    kRequesterWrites,  // the requester answers
    kResumeAfterChildren,
    kResolve,          // right after the final answer
    kAfterResolution,  // invitation, feedback or reopen, whichever is due
  };

  struct Ticket {
    ledger::TicketState state;
    std::string requester;  // who asked (the state keeps no personal text)
    Rng rng;
    const ServiceSpec* service = nullptr;  // the right service (the ticket may say another)
    size_t team = 0;                       // the queue that should handle it
    std::string keyword;                   // what it is mainly about
    Step step = Step::kTriage;
    uint32_t generation = 0;  // a wake-up with another generation is stale
    double pace = 1.0;        // multiplies agents' delays (incidents go faster)
    uint8_t rounds_left = 0;  // exchanges with the requester before the final answer
    uint8_t stalls_left = 0;
    uint8_t children_left = 0;  // child change tickets still to open
    uint8_t children_open = 0;  // opened and not yet resolved
    uint8_t resolutions = 0;
    int16_t opener = -1;  // a team member who took the call and keeps the ticket
    bool is_child = false;
    bool first_line_answers = false;
    bool wrong_service = false;  // opened with another service; first line corrects it
    bool misrouted = false;      // has been sent to a wrong team once
    bool picked_up_wrongly = false;
    bool amended = false, reassigned = false, unassigned = false, transferred = false;
    bool planned = false;           // a change ticket's plan is noted
    bool silent_follow_up = false;  // the follow-up came without an answer
    bool close_without_answer = false;
    bool reopen_by_requester = false;
    bool pending = false;  // a wake-up is scheduled
    ledger::TicketId parent{};
    ledger::TicketId last_child{};
    ledger::TimeNs invite_at = 0, feedback_at = 0, reopen_at = 0;  // 0 = not planned
  };

  // Rng streams: 0 for the arrivals, 1 + i for inquiry i, kChildStreams + id for a change ticket.
  static constexpr uint64_t kChildStreams = 1ULL << 62;

  struct Wake {
    ledger::TimeNs at;
    uint64_t order;  // ties in time resolve in scheduling order
    ledger::TicketId ticket;
    uint32_t generation;
    bool operator>(const Wake& o) const { return at != o.at ? at > o.at : order > o.order; }
  };

  // simulator.cc: the loop, arrivals, scheduling.
  Status DefineReference();
  Status Arrive(uint64_t index, ledger::TimeNs at);
  void Schedule(Ticket& t, ledger::TimeNs at, Step step);
  void Forget(const Ticket& t);  // the ticket's story is over
  Status Act(Ticket& t, const ledger::TicketAction& action, std::string_view actor,
             ledger::TimeNs at);
  Status ActAs(Ticket& t, const ledger::TicketAction& action, Who who, ledger::TimeNs at);
  const QueueSpec& QueueOf(const Ticket& t) const;
  const std::string& RandomMember(Ticket& t, size_t queue);
  const std::string& FirstLineAgent(Ticket& t) { return RandomMember(t, Catalogue::kFirstLine); }
  // An agent's next moment: `median` of working time (log-normal), at the ticket's pace.
  ledger::TimeNs AgentDelay(Ticket& t, ledger::TimeNs now, ledger::TimeNs median, double sigma);

  // ticket_steps.cc: what a ticket does at each step.
  Status RunStep(Ticket& t, ledger::TimeNs now);
  Status Triage(Ticket& t, ledger::TimeNs now);
  Status Pickup(Ticket& t, ledger::TimeNs now);
  Status AgentTurn(Ticket& t, ledger::TimeNs now);
  Status ChildTurn(Ticket& t, ledger::TimeNs now);
  Status OpenChild(Ticket& t, ledger::TimeNs now);
  Status StallNow(Ticket& t, ledger::TimeNs now);
  Status FollowUp(Ticket& t, ledger::TimeNs now);
  Status RequesterWrites(Ticket& t, ledger::TimeNs now);
  Status ResumeAfterChildren(Ticket& t, ledger::TimeNs now);
  Status Resolve(Ticket& t, ledger::TimeNs now);
  Status AfterResolution(Ticket& t, ledger::TimeNs now);
  void PlanAfterResolution(Ticket& t, ledger::TimeNs now);
  void ScheduleAfterResolution(Ticket& t);
  int FeedbackScore(Ticket& t, ledger::TimeNs now);

  const SimulationOptions options_;
  const Catalogue& catalogue_;
  CommandPath& path_;
  std::function<void(uint64_t)> progress_;
  SimulationTotals totals_;
  std::vector<double> service_weights_;
  uint64_t requester_pool_ = 1;

  std::unordered_map<ledger::TicketId, Ticket> live_;
  std::priority_queue<Wake, std::vector<Wake>, std::greater<Wake>> wakes_;
  uint64_t next_order_ = 0;
};

}  // namespace tl::tools::generate
