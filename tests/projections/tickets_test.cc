// The ticket model: current states as docs/api.md's GET /tickets/{id} needs them, the list filters,
// reference data, and as-of states folded from a ticket's stream.
#include <catch2/catch.hpp>
#include <map>

#include "projections/ticket_texts.h"
#include "projections/workload.h"
#include "tests/support/desk.h"

using namespace tl::ledger;
using namespace tl::testing;
using tl::projections::AsOf;
using tl::projections::TicketAsOf;
using tl::projections::TicketFilter;

TEST_CASE("a ticket's state shows each action as soon as its append returns", "[projections]") {
  Desk desk;
  const TicketId id = desk.Open(SupportTicket("Orakel"), kMonday);
  auto t = desk.projections().Ticket(id);
  REQUIRE(t);
  CHECK(t->version == Version{2});  // opened + acknowledged (first-line intake)
  CHECK(t->acknowledged);
  CHECK(t->status == TicketStatus::kNew);
  CHECK_FALSE(t->first_response_at);

  desk.Act(id, Reply{"on it"}, kMonday + 10 * kMinute);
  t = desk.projections().Ticket(id);
  CHECK(t->status == TicketStatus::kOpen);
  CHECK(t->first_response_at == kMonday + 10 * kMinute);
  CHECK(t->updated_at == kMonday + 10 * kMinute);

  desk.Act(id, Resolve{"reset the password"}, kMonday + kHour);
  t = desk.projections().Ticket(id);
  CHECK(t->status == TicketStatus::kResolved);
  CHECK(t->resolved_at == kMonday + kHour);
  CHECK(t->solution_given);
  auto texts = desk.projections().TextsOf(*t);  // from the log: the state holds none
  REQUIRE(texts.ok());
  CHECK(texts->solution == "reset the password");
  CHECK(desk.projections().applied_seq() == desk.log().Head().seq);
  CHECK(desk.projections().latest_occurred_at() == kMonday + kHour);
  CHECK_FALSE(desk.projections().Ticket(id.Next()));
}

TEST_CASE("the ticket list filters by status, queue, service, owner and category in id order",
          "[projections]") {
  Desk desk;
  const TicketId a = desk.Open(SupportTicket("campus", "Eduroam"), kMonday);
  const TicketId b = desk.Open(SupportTicket("Orakel"), kMonday + kMinute);
  OpenTicket incident = SupportTicket("campus");
  incident.category = Category::kIncident;
  const TicketId c = desk.Open(incident, kMonday + 2 * kMinute);
  const TicketId d = desk.Open(SupportTicket("campus"), kMonday + 3 * kMinute);
  desk.Act(a, Assign{"carl"}, kMonday + kHour);
  desk.Act(c, Assign{"carl"}, kMonday + kHour);
  desk.Act(d, Reply{"hello"}, kMonday + kHour);
  desk.Act(b, Move{"campus", ""}, kMonday + kHour);

  auto ids = [&](TicketFilter f) {
    std::vector<TicketId> out;
    for (const auto& t : desk.projections().ListTickets(f).tickets) out.push_back(t.id);
    return out;
  };
  TicketFilter by_queue;
  by_queue.queue = "campus";
  CHECK(ids(by_queue) == std::vector<TicketId>{a, b, c, d});
  TicketFilter by_owner;
  by_owner.owner = "carl";
  CHECK(ids(by_owner) == std::vector<TicketId>{a, c});
  TicketFilter by_owner_and_category = by_owner;
  by_owner_and_category.category = Category::kIncident;
  CHECK(ids(by_owner_and_category) == std::vector<TicketId>{c});
  TicketFilter by_service;
  by_service.service = "Identitet_Feide";
  CHECK(ids(by_service) == std::vector<TicketId>{b, c, d});
  TicketFilter by_status;
  by_status.statuses = {TicketStatus::kOpen, TicketStatus::kNew};
  CHECK(ids(by_status) == std::vector<TicketId>{a, b, c, d});
  by_status.statuses = {TicketStatus::kOpen};
  CHECK(ids(by_status) == std::vector<TicketId>{d});
  TicketFilter nobody;
  nobody.owner = "nobody";
  CHECK(ids(nobody).empty());

  TicketFilter page;
  page.limit = 3;
  auto first = desk.projections().ListTickets(page);
  REQUIRE(first.tickets.size() == 3);
  REQUIRE(first.next == c);
  page.after = *first.next;
  auto second = desk.projections().ListTickets(page);
  REQUIRE(second.tickets.size() == 1);
  CHECK(second.tickets[0].id == d);
  CHECK_FALSE(second.next);
}

TEST_CASE("reference data follows the queue and service definitions", "[projections]") {
  Desk desk;
  desk.DefineQueue("campus", {"carl", "cora", "nils"});
  auto ref = desk.projections().Reference();
  REQUIRE(ref->FindQueue("campus"));
  CHECK(ref->FindQueue("campus")->members.contains("nils"));
  CHECK(ref->IsFirstLine("Orakel"));
  CHECK_FALSE(ref->IsFirstLine("campus"));
  CHECK(ref->FindService("Eduroam"));
}

TEST_CASE(
    "a ticket as of every seq, occurrence and recording time equals its state then; before "
    "creation it is not found",
    "[projections][as-of]") {
  Desk desk;
  // Two tickets interleaved, so that a ticket's seqs have gaps.
  struct Seen {
    Seq seq;
    TimeNs occurred_at;
    TimeNs recorded_at;
    TicketState state;
  };
  std::vector<Seen> seen;
  auto snapshot = [&](TicketId id, TimeNs at) {
    seen.push_back({desk.log().Head().seq, at, desk.clock().now(), *desk.projections().Ticket(id)});
  };
  const Seq before_creation = desk.log().Head().seq;
  const TicketId id = desk.Open(SupportTicket("Orakel"), kMonday);
  snapshot(id, kMonday);
  const TicketId other = desk.Open(SupportTicket("campus"), kMonday + kMinute);
  TimeNs t = kMonday;
  const std::vector<TicketAction> actions = {Reply{"hi"},
                                             Stall{"logs", kMonday + kDay},
                                             RequesterMessage{"here they are"},
                                             Assign{"olga"},
                                             Move{"campus", ""},
                                             Resolve{"done"},
                                             Reopen{"again"},
                                             Resolve{"done again"},
                                             InviteFeedback{},
                                             GiveFeedback{4, "ok"}};
  for (const TicketAction& a : actions) {
    t += 7 * kMinute;
    desk.Act(id, a, t);
    snapshot(id, t);
    desk.Act(other, Comment{"noise"}, t + kMinute);
  }

  // At every seq: the state a replay of the log up to there holds (the folded prefix, by
  // another path), which at the end of each command is also what the live model showed.
  for (Seq seq{}; seq <= desk.log().Head().seq; ++seq) {
    tl::projections::Options replay;
    replay.use_checkpoints = false;
    replay.to_seq = seq;
    auto prefix = tl::projections::Projections::Open(desk.log(), tl::projections::StandardModels(),
                                                     replay, false);
    REQUIRE(prefix.ok());
    const auto expected = (*prefix)->Ticket(id);
    auto as_of = TicketAsOf(desk.log(), id, AsOf{AsOf::Kind::kSeq, seq, 0});
    INFO("seq " << seq);
    if (!expected) {
      CHECK(as_of.status().code() == tl::StatusCode::kNotFound);
      continue;
    }
    REQUIRE(as_of.ok());
    CHECK(*as_of == *expected);
    for (const Seen& s : seen) {
      if (s.seq == seq) CHECK(*as_of == s.state);
    }
  }
  CHECK(before_creation < seen.front().seq);
  for (const Seen& s : seen) {
    auto by_occurrence =
        TicketAsOf(desk.log(), id, AsOf{AsOf::Kind::kOccurredAt, Seq{}, s.occurred_at});
    REQUIRE(by_occurrence.ok());
    CHECK(*by_occurrence == s.state);
    auto by_recording =
        TicketAsOf(desk.log(), id, AsOf{AsOf::Kind::kRecordedAt, Seq{}, s.recorded_at});
    REQUIRE(by_recording.ok());
    CHECK(*by_recording == s.state);
  }
  CHECK(TicketAsOf(desk.log(), id, AsOf{AsOf::Kind::kOccurredAt, Seq{}, kMonday - 1})
            .status()
            .code() == tl::StatusCode::kNotFound);
  CHECK(TicketAsOf(desk.log(), id, AsOf{AsOf::Kind::kRecordedAt, Seq{}, kMonday - 1})
            .status()
            .code() == tl::StatusCode::kNotFound);
  CHECK(
      TicketAsOf(desk.log(), TicketId{99}, AsOf{AsOf::Kind::kSeq, Seq{1000}, 0}).status().code() ==
      tl::StatusCode::kNotFound);
}

TEST_CASE("a ticket's texts are read from the log as of the state they go with", "[projections]") {
  Desk desk;
  OpenTicket open = SupportTicket("Orakel");
  open.requester = "ann@uni.no";
  open.subject = "Printer";
  const TicketId id = desk.Open(open, kMonday);
  auto texts_now = [&] {
    auto state = desk.projections().Ticket(id);
    REQUIRE(state);
    auto texts = desk.projections().TextsOf(*state);
    REQUIRE(texts.ok());
    // The few events the state names give what the whole stream gives.
    CHECK_FALSE(state->text_seqs.opened.is_zero());
    auto folded = tl::projections::TicketTextsOf(desk.log(), id, state->version);
    REQUIRE(folded.ok());
    CHECK(*texts == *folded);
    return *texts;
  };
  CHECK(texts_now() == TicketTexts{"ann@uni.no", "Printer", "", "", ""});
  desk.Act(id, Stall{"the model number", kMonday + kDay}, kMonday + kMinute);
  CHECK(texts_now().awaiting == "the model number");
  const Seq stalled = desk.log().Head().seq;
  desk.Act(id, Update{std::nullopt, std::nullopt, std::nullopt, "bob@uni.no", "Printer, 2nd floor"},
           kMonday + 2 * kMinute);
  desk.Act(id, Resolve{"new toner"}, kMonday + kHour);
  desk.Act(id, InviteFeedback{}, kMonday + 2 * kHour);
  desk.Act(id, GiveFeedback{5, "quick"}, kMonday + 3 * kHour);
  CHECK(texts_now() ==
        TicketTexts{"bob@uni.no", "Printer, 2nd floor", "new toner", "the model number", "quick"});
  // A past state gets the texts it had then, read up to its version.
  auto then = TicketAsOf(desk.log(), id, AsOf{AsOf::Kind::kSeq, stalled, 0});
  REQUIRE(then.ok());
  auto texts_then = desk.projections().TextsOf(*then);
  REQUIRE(texts_then.ok());
  CHECK(*texts_then == TicketTexts{"ann@uni.no", "Printer", "", "the model number", ""});
  // A ticket that does not exist has none, and the log is not asked.
  auto none = desk.projections().TextsOf(TicketState{});
  REQUIRE(none.ok());
  CHECK(*none == TicketTexts{});
}

TEST_CASE("workload with a now before its oldest ticket gives ages of zero, never negative ones",
          "[projections]") {
  Desk desk;
  desk.Open(SupportTicket("campus", "Eduroam"), kMonday + kHour);
  tl::projections::ReportParams past;
  past.now = kMonday;  // an hour before the ticket
  const auto report = desk.Report<tl::projections::WorkloadReport>(past);
  REQUIRE(report.groups.size() == 1);
  CHECK(report.groups[0].oldest_age_ns == 0);
  tl::projections::ReportParams later;
  later.now = kMonday + 3 * kHour;
  CHECK(desk.Report<tl::projections::WorkloadReport>(later).groups[0].oldest_age_ns == 2 * kHour);
}
