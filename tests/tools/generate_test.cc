// `ticketledger generate`, run as a user runs it; the history it writes is then read back with
// the ledger and judged by the ledger's own rules and by the process of docs/domain.md. Every
// figure is computed from the log.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>

#include "ledger/domain/overloaded.h"
#include "ledger/domain/ticket_rules.h"
#include "ledger/store/event_log.h"
#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

using namespace tl;
using namespace tl::ledger;
using namespace tl::testing;

namespace {

CommandOutput Generate(const std::string& dir, int tickets, int days, int seed) {
  return RunCommand({TicketledgerBinary(), "generate", "--data", dir, "--tickets",
                     std::to_string(tickets), "--days", std::to_string(days), "--seed",
                     std::to_string(seed)});
}

std::unique_ptr<EventLog> OpenReadOnly(const std::string& dir) {
  LogOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  return tl::testing::OpenLog(dir, options);
}

// The command whose primary event is `p`; nullopt for an event that is only ever the
// consequence of another (status_changed, acknowledged, child_linked) or is not a ticket action.
std::optional<TicketAction> ActionOf(const Payload& p) {
  return std::visit(
      Overloaded{
          [](const Replied& e) -> std::optional<TicketAction> { return Reply{e.body}; },
          [](const RequesterMessaged& e) -> std::optional<TicketAction> {
            return RequesterMessage{e.body};
          },
          [](const Commented& e) -> std::optional<TicketAction> { return Comment{e.body}; },
          [](const Stalled& e) -> std::optional<TicketAction> {
            return Stall{e.awaiting, e.follow_up_at};
          },
          [](const Resumed&) -> std::optional<TicketAction> { return Resume{}; },
          [](const Assigned& e) -> std::optional<TicketAction> { return Assign{e.owner}; },
          [](const Unassigned&) -> std::optional<TicketAction> { return Unassign{}; },
          [](const Moved& e) -> std::optional<TicketAction> {
            return Move{e.to_queue, e.reason};
          },
          [](const Updated& e) -> std::optional<TicketAction> {
            return Update{e.service, e.category, e.description, e.requester, e.subject};
          },
          [](const Resolved& e) -> std::optional<TicketAction> { return Resolve{e.solution}; },
          [](const Reopened& e) -> std::optional<TicketAction> { return Reopen{e.reason}; },
          [](const FeedbackInvited&) -> std::optional<TicketAction> { return InviteFeedback{}; },
          [](const FeedbackReceived& e) -> std::optional<TicketAction> {
            return GiveFeedback{e.score, e.comment};
          },
          [](const auto&) -> std::optional<TicketAction> { return std::nullopt; },
      },
      p);
}

// What the replay found, for the rate checks.
struct Figures {
  std::map<TicketId, TicketState> tickets;
  std::set<TicketId> routed;     // moved out of a first-line queue at least once
  std::set<TicketId> misrouted;  // moved from a team back to first line
  std::set<TicketId> reopened;   // resolved -> open at least once
  std::set<TicketId> resolved;   // resolved at least once
  std::map<Channel, int> channels;
  std::map<Category, int> categories;
  int first_line_opened = 0, acknowledged = 0;
  int stalls = 0, stalls_with_follow_up = 0;
  int resolutions = 0, resolutions_with_solution = 0;
  int assignments = 0, assignments_in_queue = 0, owner_changes = 0;
  int invitations = 0, invitations_within_2h = 0, feedback = 0;
  int requester_messages = 0, children = 0, children_linked = 0;
  TimeNs max_record_lag = 0;
};

// Replays the whole log: every command is decided again by the ledger's rules on the state
// before it, and must give exactly the events stored; the process's figures are counted.
Figures ReplayThroughTheRules(const std::vector<Event>& events) {
  Figures f;
  ReferenceData reference;
  TimeNs last_occurred = 0;
  size_t i = 0;
  // The events a decision gave must be the next ones in the log, on `stream`, at the same time
  // and by the same actor.
  auto expect_next = [&](const std::vector<Payload>& decided, const StreamId& stream,
                         const Event& primary) {
    for (const Payload& p : decided) {
      INFO("seq " << primary.seq << ", expecting " << EventTypeName(p));
      REQUIRE(i < events.size());
      const Event& e = events[i];
      CHECK(e.stream == stream);
      CHECK(e.payload == p);
      CHECK(e.occurred_at == primary.occurred_at);
      CHECK(e.actor == primary.actor);
      ++i;
    }
  };
  while (i < events.size()) {
    const Event& e = events[i];
    INFO("seq " << e.seq << " " << e.stream.ToString() << " " << EventTypeName(e.payload));
    CHECK(e.occurred_at >= last_occurred);  // the log follows simulated time
    CHECK(e.recorded_at >= e.occurred_at);
    f.max_record_lag = std::max(f.max_record_lag, e.recorded_at - e.occurred_at);
    last_occurred = e.occurred_at;

    if (!e.stream.is_ticket()) {
      if (const auto* q = std::get_if<QueueDefined>(&e.payload)) {
        auto decided =
            DecideQueue(DefineQueue{e.stream.name, q->members, q->first_line}, reference);
        REQUIRE(decided.ok());
        REQUIRE(decided->has_value());
        CHECK(**decided == e.payload);
      } else {
        const auto& s = std::get<ServiceDefined>(e.payload);
        auto decided = DecideService(DefineService{e.stream.name, s.title}, reference);
        REQUIRE(decided.ok());
        REQUIRE(decided->has_value());
        CHECK(**decided == e.payload);
      }
      ApplyToReference(reference, e);
      ++i;
      continue;
    }

    TicketState& ticket = f.tickets[e.stream.ticket];
    if (const auto* opened = std::get_if<TicketOpened>(&e.payload)) {
      OpenTicket command{opened->service, opened->category,  opened->description,
                         opened->queue,   opened->requester, opened->channel,
                         opened->subject, std::nullopt,      opened->external_ref};
      TicketState* parent = nullptr;
      if (opened->parent != TicketId{0}) {
        command.parent = opened->parent;
        parent = &f.tickets[opened->parent];
      }
      auto decided = DecideOpen(command, reference, parent, e.occurred_at);
      INFO(decided.status().ToString());
      REQUIRE(decided.ok());
      const Event primary = e;
      for (size_t k = 0; k < decided->size(); ++k) ApplyToTicket(ticket, events[i + k]);
      expect_next(*decided, primary.stream, primary);
      ++f.channels[opened->channel];
      ++f.categories[opened->category];
      if (reference.IsFirstLine(opened->queue)) {
        ++f.first_line_opened;
        if (ticket.acknowledged) ++f.acknowledged;
      }
      if (parent) {
        ++f.children;
        CHECK(opened->category == Category::kChange);
        expect_next({ChildLinked{primary.stream.ticket}}, StreamId::Ticket(opened->parent),
                    primary);
        ApplyToTicket(*parent, events[i - 1]);
        ++f.children_linked;
      }
      continue;
    }

    auto action = ActionOf(e.payload);
    INFO("an event that no command starts with stands alone");
    REQUIRE(action.has_value());
    REQUIRE(ticket.exists());
    const TicketState before = ticket;
    auto decided = DecideAction(before, reference, *action, e.occurred_at);
    INFO(decided.status().ToString());
    REQUIRE(decided.ok());
    const Event primary = e;
    for (size_t k = 0; k < decided->size() && i + k < events.size(); ++k) {
      ApplyToTicket(ticket, events[i + k]);
    }
    expect_next(*decided, primary.stream, primary);
    const TicketId id = primary.stream.ticket;

    std::visit(Overloaded{
                   [&](const Stalled& s) {
                     ++f.stalls;
                     if (s.follow_up_at > primary.occurred_at && !IsBlank(s.awaiting)) {
                       ++f.stalls_with_follow_up;
                     }
                   },
                   [&](const Resolved& r) {
                     ++f.resolutions;
                     if (!IsBlank(r.solution)) ++f.resolutions_with_solution;
                     f.resolved.insert(id);
                   },
                   [&](const Assigned& a) {
                     ++f.assignments;
                     const QueueInfo* q = reference.FindQueue(before.queue);
                     if (q && q->members.contains(a.owner)) ++f.assignments_in_queue;
                     if (!before.owner.empty()) ++f.owner_changes;
                   },
                   [&](const Moved& m) {
                     if (reference.IsFirstLine(m.from_queue)) f.routed.insert(id);
                     if (m.misroute) f.misrouted.insert(id);
                   },
                   [&](const FeedbackInvited&) {
                     ++f.invitations;
                     if (before.last_resolved_at &&
                         primary.occurred_at - *before.last_resolved_at <= 7200 * kNanosPerSecond) {
                       ++f.invitations_within_2h;
                     }
                   },
                   [&](const FeedbackReceived&) { ++f.feedback; },
                   [&](const RequesterMessaged&) { ++f.requester_messages; },
                   [](const auto&) {},
               },
               primary.payload);
    if (before.status == TicketStatus::kResolved && ticket.status == TicketStatus::kOpen) {
      f.reopened.insert(id);
    }
  }
  return f;
}

double Share(size_t part, size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

TEST_CASE("generate writes a small history that verify accepts", "[tools][generate]") {
  TempDir dir;
  auto run = Generate(dir.Sub("ledger"), 300, 60, 1);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.err, Catch::Contains("generated") && Catch::Contains("events"));
  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", dir.Sub("ledger")});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);

  auto log = OpenReadOnly(dir.Sub("ledger"));
  const LogHead head = log->Head();
  CHECK(head.last_ticket >= TicketId{300});  // the inquiries, and the change tickets they spawned
  CHECK(head.seq > Seq{300 * 5});
  CHECK_THAT(verify.out, Catch::Contains(HashToHex(head.hash)));

  // Actors stay readable after an erasure, so the requester's own mail, forms and feedback
  // name the role, never the address (docs/api.md, "Personal data and erasure").
  size_t by_requester = 0;
  for (const Event& e : AllEvents(*log)) {
    INFO("seq " << e.seq.value() << " actor " << e.actor);
    CHECK(e.actor.find('@') == std::string::npos);
    if (e.actor == "requester") ++by_requester;
  }
  CHECK(by_requester > 0);
}

TEST_CASE("the same seed gives the same history and another seed a different one",
          "[tools][generate]") {
  // Not the same bytes since format 3: each ticket has a random data key and each sealed field
  // a random nonce (docs/log-format.md, "Personal fields"). Everything the history says is the
  // same, sealed fields opened; and the stored bytes differ in the sealed fields only, so they
  // have the same lengths.
  TempDir dir;
  REQUIRE(Generate(dir.Sub("a"), 300, 60, 7).exit_code == 0);
  REQUIRE(Generate(dir.Sub("b"), 300, 60, 7).exit_code == 0);
  REQUIRE(Generate(dir.Sub("c"), 300, 60, 8).exit_code == 0);
  auto a = OpenReadOnly(dir.Sub("a"));
  auto b = OpenReadOnly(dir.Sub("b"));
  auto c = OpenReadOnly(dir.Sub("c"));
  CHECK(a->Head().seq == b->Head().seq);
  CHECK(AllEvents(*a) == AllEvents(*b));
  CHECK(AllEvents(*a) != AllEvents(*c));
  std::vector<size_t> sizes_a, sizes_b;
  auto collect = [](std::vector<size_t>* out) {
    return [out](Seq, std::string_view bytes, const Hash&) {
      out->push_back(bytes.size());
      return Status::Ok();
    };
  };
  REQUIRE(a->ScanRaw(Seq{1}, a->Head().seq, collect(&sizes_a)).ok());
  REQUIRE(b->ScanRaw(Seq{1}, b->Head().seq, collect(&sizes_b)).ok());
  CHECK(sizes_a == sizes_b);
}

TEST_CASE("every generated event is what the ledger's rules decide, and the process shows",
          "[tools][generate][slow]") {
  TempDir dir;
  auto run = Generate(dir.Sub("ledger"), 2000, 120, 11);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto log = OpenReadOnly(dir.Sub("ledger"));
  const std::vector<Event> events = AllEvents(*log);
  REQUIRE(events.size() == log->Head().seq.value());

  const Figures f = ReplayThroughTheRules(events);

  // The rules of docs/domain.md, on every event.
  CHECK(f.resolutions > 0);
  CHECK(f.resolutions_with_solution == f.resolutions);
  CHECK(f.stalls > 0);
  CHECK(f.stalls_with_follow_up == f.stalls);
  CHECK(f.assignments > 0);
  CHECK(f.assignments_in_queue == f.assignments);
  CHECK(f.first_line_opened > 0);
  CHECK(f.acknowledged == f.first_line_opened);
  CHECK(f.children > 0);
  CHECK(f.children_linked == f.children);
  for (const auto& [id, t] : f.tickets) {
    if (t.parent == TicketId{0}) continue;
    INFO("child ticket " << id);
    CHECK(t.category == Category::kChange);
    const auto& siblings = f.tickets.at(t.parent).children;
    CHECK(std::find(siblings.begin(), siblings.end(), id) != siblings.end());
  }

  // The process's rates, within a tolerance of what docs/generate.md states.
  INFO("routed " << f.routed.size() << ", misrouted " << f.misrouted.size());
  CHECK(Share(f.misrouted.size(), f.routed.size()) > 0.03);
  CHECK(Share(f.misrouted.size(), f.routed.size()) < 0.07);
  INFO("resolved " << f.resolved.size() << ", reopened " << f.reopened.size());
  CHECK(Share(f.reopened.size(), f.resolved.size()) > 0.03);
  CHECK(Share(f.reopened.size(), f.resolved.size()) < 0.08);
  INFO("invitations " << f.invitations << ", within 2 h " << f.invitations_within_2h);
  CHECK(Share(f.invitations_within_2h, f.invitations) > 0.6);  // most within 2 hours
  CHECK(f.invitations_within_2h < f.invitations);              // some late
  CHECK(f.feedback > 0);
  CHECK(f.feedback < f.invitations);
  CHECK(f.owner_changes > 0);
  CHECK(f.requester_messages > 0);
  CHECK(f.channels.size() == 4);
  CHECK(f.categories.size() == 5);
  CHECK(Share(f.categories.at(Category::kSupport), f.tickets.size()) > 0.6);
  // recorded_at follows the simulated clock, a few minutes behind at most.
  CHECK(f.max_record_lag <= 5 * 60 * kNanosPerSecond);
  // Tickets still in progress at the end stay open, as on a real desk; most are resolved.
  size_t open = 0;
  for (const auto& [id, t] : f.tickets) open += t.is_open() ? 1 : 0;
  CHECK(open > 0);
  CHECK(Share(open, f.tickets.size()) < 0.2);
}

TEST_CASE("generate refuses a folder that is not empty", "[tools][generate]") {
  TempDir dir;
  std::filesystem::create_directories(dir.Sub("other"));
  std::ofstream(dir.Sub("other") + "/notes.txt") << "not a ledger\n";
  auto other = Generate(dir.Sub("other"), 10, 10, 1);
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.err, Catch::Contains("not empty"));

  REQUIRE(Generate(dir.Sub("ledger"), 50, 20, 1).exit_code == 0);
  const Hash before = OpenReadOnly(dir.Sub("ledger"))->Head().hash;
  auto again = Generate(dir.Sub("ledger"), 50, 20, 2);
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Catch::Contains("not empty"));
  CHECK(OpenReadOnly(dir.Sub("ledger"))->Head().hash == before);  // untouched

  auto help = RunCommand({TicketledgerBinary(), "generate", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("empty"));
}
