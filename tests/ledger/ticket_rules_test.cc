// Every rule of docs/domain.md, through the real write path (CommandHandler on a real log): the
// accepted case, the rejected cases with docs/api.md's codes, and that a rejection appends nothing.
#include "ledger/domain/ticket_rules.h"

#include <catch2/catch.hpp>

#include "ledger/domain/ticket_texts.h"
#include "tests/support/fixtures.h"

using namespace tl::ledger;
using namespace tl::app;
using namespace tl::testing;
using tl::Result;

namespace {

struct Desk {
  TempDir dir;
  ManualClock clock{kMonday};
  std::unique_ptr<EventLog> log = OpenLog(dir.str(), LogOptionsWithClock());
  LogStateSource states{*log};
  CommandHandler handler{*log, states, clock.AsClock()};

  Desk() { DefineStandardReference(handler); }

  LogOptions LogOptionsWithClock() {
    LogOptions o;
    o.clock = clock.AsClock();
    return o;
  }

  TicketId Open(OpenTicket t = SupportTicket()) {
    auto r = handler.Open(std::move(t), By("olga"));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return r->id;
  }
  Result<CommandResult> Act(TicketId id, TicketAction a, CommandMeta meta = By("carl")) {
    clock.Advance(kMinute);
    return handler.Act(id, std::move(a), std::move(meta));
  }
  void Ok(TicketId id, TicketAction a) {
    auto r = Act(id, std::move(a));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
  }
  TicketState State(TicketId id) { return *states.LoadTicket(id); }
  // The ticket's personal texts, which the state does not hold, folded from its stream.
  TicketTexts Texts(TicketId id) {
    auto stream = log->ReadStream(StreamId::Ticket(id));
    REQUIRE(stream.ok());
    TicketTexts texts;
    for (const StoredEvent& e : *stream) ApplyToTicketTexts(texts, e.event);
    return texts;
  }
  Payload LastPayload(TicketId id) {
    auto stream = log->ReadStream(StreamId::Ticket(id));
    REQUIRE(stream.ok());
    return stream->back().event.payload;
  }
  std::vector<std::string> Types(TicketId id) {
    std::vector<std::string> out;
    auto stream = log->ReadStream(StreamId::Ticket(id));
    REQUIRE(stream.ok());
    for (const auto& e : *stream) {
      out.emplace_back(EventTypeName(e.event.payload));
    }
    return out;
  }
  // Runs a command that must be refused with `code`, and checks that it appended nothing.
  template <typename Run>
  void Refused(std::string_view code, Run run) {
    const Seq before = log->Head().seq;
    Result<CommandResult> r = run();
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().reason() == code);
    CHECK(log->Head().seq == before);
  }
};

}  // namespace

TEST_CASE("opening a ticket needs service, description, queue and requester", "[rules]") {
  Desk d;
  for (auto clear :
       {+[](OpenTicket& t) { t.service = ""; }, +[](OpenTicket& t) { t.description = "  "; },
        +[](OpenTicket& t) { t.queue = ""; }, +[](OpenTicket& t) { t.requester = ""; }}) {
    OpenTicket t = SupportTicket();
    clear(t);
    d.Refused("missing_field", [&] { return d.handler.Open(t, By("olga")); });
  }
  OpenTicket unknown_service = SupportTicket("Orakel", "Nope");
  d.Refused("unknown_service", [&] { return d.handler.Open(unknown_service, By("olga")); });
  OpenTicket unknown_queue = SupportTicket("nowhere");
  d.Refused("unknown_queue", [&] { return d.handler.Open(unknown_queue, By("olga")); });
  // Refused creations use no id: the first accepted ticket is 1.
  CHECK(d.Open() == TicketId{1});
  CHECK(d.Open() == TicketId{2});
}

TEST_CASE("a first-line ticket is acknowledged in the same commit and stays new", "[rules]") {
  Desk d;
  auto r = d.handler.Open(SupportTicket("Orakel"), By("olga"));
  REQUIRE(r.ok());
  CHECK(r->version == Version{2});
  CHECK(d.Types(r->id) == std::vector<std::string>{"opened", "acknowledged"});
  auto read = d.log->ReadStream(StreamId::Ticket(r->id));
  REQUIRE(read.ok());
  const auto& stream = *read;
  CHECK(stream[0].event.recorded_at == stream[1].event.recorded_at);  // one commit
  CHECK(r->seq == stream[1].event.seq);
  CHECK(d.State(r->id).status == TicketStatus::kNew);
  CHECK(d.State(r->id).acknowledged);

  TicketId team = d.Open(SupportTicket("campus"));
  CHECK(d.Types(team) == std::vector<std::string>{"opened"});
}

TEST_CASE("a child ticket must be a change of an existing parent, linked in the same commit",
          "[rules]") {
  Desk d;
  TicketId parent = d.Open();
  OpenTicket child = SupportTicket("campus");
  child.parent = parent;
  d.Refused("child_must_be_change", [&] { return d.handler.Open(child, By("carl")); });
  child.category = Category::kChange;
  child.parent = TicketId{99};
  d.Refused("unknown_parent", [&] { return d.handler.Open(child, By("carl")); });
  child.parent = parent;
  auto r = d.handler.Open(child, By("carl"));
  REQUIRE(r.ok());
  CHECK(d.State(parent).children == std::vector<TicketId>{r->id});
  CHECK(d.State(r->id).parent == parent);
  CHECK(d.Types(parent).back() == "child_linked");
  CHECK(r->seq == d.log->Head().seq);  // the commit's highest seq: the parent's link
}

TEST_CASE("replies open a new ticket; the acknowledgement is not a response", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  CHECK_FALSE(d.State(id).first_response_at);
  d.Ok(id, Reply{"We are on it"});
  CHECK(d.State(id).status == TicketStatus::kOpen);
  CHECK(d.State(id).first_response_at == kMonday + kMinute);
  CHECK(d.Types(id) ==
        std::vector<std::string>{"opened", "acknowledged", "replied", "status_changed"});
  d.Ok(id, Reply{"Second answer"});
  CHECK(d.State(id).first_response_at == kMonday + kMinute);
  CHECK(d.Types(id).back() == "replied");
  d.Refused("missing_field", [&] { return d.Act(id, Reply{""}); });
  d.Ok(id, Resolve{"Done"});
  d.Refused("invalid_transition", [&] { return d.Act(id, Reply{"after"}); });
}

TEST_CASE("a requester's message reopens a stalled or resolved ticket, not a new one", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  d.Ok(id, RequesterMessage{"more info"});
  CHECK(d.State(id).status == TicketStatus::kNew);
  d.Ok(id, Stall{"screenshot", kMonday + kDay});
  d.Ok(id, RequesterMessage{"here it is"});
  CHECK(d.State(id).status == TicketStatus::kOpen);
  CHECK(d.State(id).reopened == 0);
  d.Ok(id, Resolve{"fixed"});
  d.Ok(id, RequesterMessage{"still broken"});
  CHECK(d.State(id).status == TicketStatus::kOpen);
  CHECK(d.State(id).reopened == 1);
  CHECK_FALSE(d.State(id).resolved_at);
}

TEST_CASE("comments are internal and allowed in every status", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  d.Ok(id, Comment{"check logs"});
  d.Ok(id, Resolve{"fixed"});
  d.Ok(id, Comment{"for the record"});
  CHECK(d.State(id).status == TicketStatus::kResolved);
  CHECK_FALSE(d.State(id).first_response_at);
  d.Refused("missing_field", [&] { return d.Act(id, Comment{" "}); });
}

TEST_CASE("a stall needs what is awaited and a follow-up time", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  d.Refused("awaiting_required", [&] { return d.Act(id, Stall{std::nullopt, kMonday}); });
  d.Refused("awaiting_required", [&] { return d.Act(id, Stall{"  ", kMonday}); });
  d.Refused("follow_up_required", [&] { return d.Act(id, Stall{"logs", std::nullopt}); });
  d.Ok(id, Stall{"logs", kMonday + kDay});
  CHECK(d.State(id).status == TicketStatus::kStalled);
  CHECK(d.State(id).stalled == StallInfo{kMonday + kDay});
  CHECK(d.Texts(id).awaiting == "logs");
  d.Ok(id, Stall{"logs, again", kMonday + 2 * kDay});  // postponing the follow-up
  CHECK(d.State(id).stalled->follow_up_at == kMonday + 2 * kDay);
  d.Ok(id, Resume{});
  CHECK(d.State(id).status == TicketStatus::kOpen);
  CHECK_FALSE(d.State(id).stalled);
  d.Refused("invalid_transition", [&] { return d.Act(id, Resume{}); });
  d.Ok(id, Resolve{"fixed"});
  d.Refused("invalid_transition", [&] { return d.Act(id, Stall{"x", kMonday + kDay}); });
}

TEST_CASE("the owner must be a member of the ticket's queue", "[rules]") {
  Desk d;
  TicketId id = d.Open(SupportTicket("campus"));
  d.Refused("owner_not_in_queue", [&] { return d.Act(id, Assign{"olga"}); });
  d.Refused("missing_field", [&] { return d.Act(id, Assign{""}); });
  d.Ok(id, Assign{"carl"});
  CHECK(d.State(id).owner == "carl");
  d.Ok(id, Unassign{});
  CHECK(d.State(id).owner.empty());
  d.Refused("invalid_transition", [&] { return d.Act(id, Unassign{}); });
  // Membership is reference data: after carl joins drift, he may own drift's tickets.
  TicketId drift = d.Open(SupportTicket("drift"));
  d.Refused("owner_not_in_queue", [&] { return d.Act(drift, Assign{"carl"}); });
  REQUIRE(d.handler.Define(DefineQueue{"drift", {"dina", "carl"}, false}, By("admin")).ok());
  d.Ok(drift, Assign{"carl"});
}

TEST_CASE("a move back to first line is a misroute and clears an owner who does not belong",
          "[rules]") {
  Desk d;
  TicketId id = d.Open(SupportTicket("Orakel"));
  d.Ok(id, Move{"campus", "campus owns Feide"});
  auto moved = std::get<Moved>(d.LastPayload(id));
  CHECK_FALSE(moved.misroute);  // first line -> team is routing, not a misroute
  d.Ok(id, Assign{"carl"});
  d.Ok(id, Move{"Orakel", "not ours"});
  moved = std::get<Moved>(d.LastPayload(id));
  CHECK(moved.misroute);
  CHECK(moved.from_queue == "campus");
  CHECK(moved.owner_cleared);
  CHECK(d.State(id).owner.empty());
  CHECK(d.State(id).queue == "Orakel");
  d.Refused("unknown_queue", [&] { return d.Act(id, Move{"nowhere", ""}); });
  d.Refused("invalid_transition", [&] { return d.Act(id, Move{"Orakel", ""}); });
}

TEST_CASE("updates change only the fields given, within the rules", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  d.Refused("missing_field", [&] { return d.Act(id, Update{}); });
  Update bad_service;
  bad_service.service = "Nope";
  d.Refused("unknown_service", [&] { return d.Act(id, bad_service); });
  Update blank;
  blank.description = " ";
  d.Refused("bad_field", [&] { return d.Act(id, blank); });
  Update good;
  good.service = "Eduroam";
  good.category = Category::kIncident;
  d.Ok(id, good);
  CHECK(d.State(id).service == "Eduroam");
  CHECK(d.State(id).category == Category::kIncident);
  CHECK(d.State(id).description == "login, password reset");
}

TEST_CASE("a resolution needs a solution and happens once", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  d.Refused("solution_required", [&] { return d.Act(id, Resolve{std::nullopt}); });
  d.Refused("solution_required", [&] { return d.Act(id, Resolve{"\t "}); });
  d.Ok(id, Resolve{"Reset the password"});
  CHECK(d.State(id).status == TicketStatus::kResolved);
  CHECK(d.State(id).solution_given);
  CHECK(d.Texts(id).solution == "Reset the password");
  d.Refused("already_resolved", [&] { return d.Act(id, Resolve{"again"}); });
}

TEST_CASE("reopening, invitations and feedback need a resolved ticket", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  d.Refused("not_resolved", [&] { return d.Act(id, Reopen{"?"}); });
  d.Refused("not_resolved", [&] { return d.Act(id, InviteFeedback{}); });
  d.Refused("not_resolved", [&] { return d.Act(id, GiveFeedback{5, ""}); });
  d.Ok(id, Resolve{"done"});
  d.Ok(id, InviteFeedback{});
  CHECK(d.State(id).invited_since_resolution);
  for (std::optional<int64_t> bad :
       {std::optional<int64_t>(), std::optional<int64_t>(0), std::optional<int64_t>(6)}) {
    d.Refused("bad_score", [&] { return d.Act(id, GiveFeedback{bad, ""}); });
  }
  d.Ok(id, GiveFeedback{4, "fast"});
  CHECK(d.State(id).feedback == Feedback{4});
  CHECK(d.Texts(id).feedback_comment == "fast");
  d.Ok(id, Reopen{"not fixed after all"});
  CHECK(d.State(id).status == TicketStatus::kOpen);
  CHECK(d.State(id).reopened == 1);
}

TEST_CASE("an action may not happen before the ticket's last event", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  d.Ok(id, Comment{"now"});
  CommandMeta past = By("carl");
  past.occurred_at = kMonday - kHour;
  d.Refused("time_goes_backwards", [&] { return d.handler.Act(id, Comment{"late"}, past); });
  CommandMeta later = By("carl");
  later.occurred_at = d.clock.now() + 4 * kMinute;  // a little ahead of the clock is taken
  REQUIRE(d.handler.Act(id, Comment{"explicit time"}, later).ok());
  CHECK(d.State(id).updated_at == d.clock.now() + 4 * kMinute);
}

TEST_CASE("an occurred_at more than five minutes ahead of the clock is time_in_future", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  const Seq before = d.log->Head().seq;
  CommandMeta future = By("carl");
  future.occurred_at = d.clock.now() + 5 * kMinute + 1;
  d.Refused("time_in_future", [&] { return d.handler.Act(id, Comment{"typo"}, future); });
  d.Refused("time_in_future", [&] { return d.handler.Open(SupportTicket(), future); });
  CHECK(d.log->Head().seq == before);
  future.occurred_at = d.clock.now() + 5 * kMinute;  // the margin itself is taken
  CHECK(d.handler.Act(id, Comment{"edge"}, future).ok());
}

TEST_CASE("expected_version pins the state a command was decided on", "[rules]") {
  Desk d;
  TicketId id = d.Open();  // version 2 (opened + acknowledged)
  CommandMeta stale = By("carl");
  stale.expected_version = Version{1};
  const Seq before = d.log->Head().seq;
  auto r = d.handler.Act(id, Comment{"x"}, stale);
  REQUIRE(r.status().reason() == tl::reason::kVersionConflict);
  CHECK(r.status().current_version() == 2);
  CHECK(d.log->Head().seq == before);
  CommandMeta fresh = By("carl");
  fresh.expected_version = Version{2};
  auto ok = d.handler.Act(id, Comment{"x"}, fresh);
  REQUIRE(ok.ok());
  CHECK(ok->version == Version{3});
}

TEST_CASE("an event id makes a command idempotent", "[rules]") {
  Desk d;
  TicketId id = d.Open();
  TicketId other = d.Open();
  CommandMeta meta = By("carl");
  meta.event_id = EventId::Random();
  auto first = d.handler.Act(id, Resolve{"done"}, meta);
  REQUIRE(first.ok());
  CHECK_FALSE(first->replayed);
  const Seq head = d.log->Head().seq;
  // A retry gets the original answer even though a resolve would now be refused.
  auto retry = d.handler.Act(id, Resolve{"done"}, meta);
  REQUIRE(retry.ok());
  CHECK(retry->replayed);
  CHECK(retry->id == first->id);
  CHECK(retry->version == first->version);
  CHECK(retry->seq == first->seq);
  CHECK(d.log->Head().seq == head);
  d.Refused("idempotency_conflict", [&] { return d.handler.Act(id, Resolve{"other text"}, meta); });
  d.Refused("idempotency_conflict", [&] { return d.handler.Act(other, Resolve{"done"}, meta); });
  // Opening a ticket is idempotent too, and a retried creation uses no new id.
  CommandMeta open_meta = By("olga");
  open_meta.event_id = EventId::Random();
  auto created = d.handler.Open(SupportTicket(), open_meta);
  auto again = d.handler.Open(SupportTicket(), open_meta);
  REQUIRE(created.ok());
  REQUIRE(again.ok());
  CHECK(again->id == created->id);
  CHECK(again->replayed);
  CHECK(d.Open() == created->id.Next());
}

TEST_CASE("a definition that changes nothing appends nothing", "[rules]") {
  Desk d;
  const Seq before = d.log->Head().seq;
  auto same = d.handler.Define(DefineQueue{"campus", {"cora", "carl", "carl"}, false}, By("admin"));
  REQUIRE(same.ok());
  CHECK_FALSE(same->changed);
  auto same_service = d.handler.Define(DefineService{"Eduroam", "eduroam"}, By("admin"));
  REQUIRE(same_service.ok());
  CHECK_FALSE(same_service->changed);
  CHECK(d.log->Head().seq == before);
  auto changed = d.handler.Define(DefineService{"Eduroam", "eduroam wifi"}, By("admin"));
  REQUIRE(changed.ok());
  CHECK(changed->changed);
  CHECK(d.log->Head().seq == before.Next());
}

TEST_CASE("a ticket opened by mail is unclassified until update sets its service", "[rules]") {
  Desk desk;
  OpenTicket mail;
  mail.queue = "Orakel";
  mail.requester = "kari@uni.no";
  mail.subject = "Feide";
  mail.unclassified = true;
  mail.first_message = "Jeg får ikke logget inn.";
  const TicketId id = desk.Open(mail);
  CHECK(desk.Types(id) == std::vector<std::string>{"opened", "requester_messaged", "acknowledged"});
  CHECK(desk.State(id).service.empty());

  desk.Refused("classification_required", [&] { return desk.Act(id, Reply{"hei"}); });
  desk.Refused("classification_required", [&] { return desk.Act(id, Assign{"olga"}); });
  desk.Refused("classification_required", [&] { return desk.Act(id, Move{"campus", ""}); });
  desk.Refused("classification_required", [&] { return desk.Act(id, Resolve{"done"}); });
  desk.Ok(id, Comment{"ser på det"});
  desk.Ok(id, RequesterMessage{"Noe nytt?"});

  Update classify;
  classify.service = "Identitet_Feide";
  classify.description = "innlogging";
  desk.Ok(id, classify);
  desk.Ok(id, Reply{"Prøv igjen nå"});

  SECTION("an unclassified open may not carry a service, and a classified one needs it") {
    OpenTicket both = mail;
    both.service = "Identitet_Feide";
    desk.Refused("bad_field", [&] { return desk.handler.Open(both, By("olga")); });
    OpenTicket none = mail;
    none.unclassified = false;
    desk.Refused("missing_field", [&] { return desk.handler.Open(none, By("olga")); });
  }
  SECTION("mail from a list opens without an acknowledgement") {
    OpenTicket list = mail;
    list.acknowledge = false;
    CHECK(desk.Types(desk.Open(list)) == std::vector<std::string>{"opened", "requester_messaged"});
  }
}

TEST_CASE("mail records are appended in any status, resolved included", "[rules]") {
  Desk desk;
  const TicketId id = desk.Open();
  desk.Ok(id, Resolve{"done"});
  desk.Ok(id,
          RecordMail{MailSent{MailKind::kAcknowledgement, "tl.1.2@desk.example.org", "k@u.no"}});
  desk.Ok(id, RecordMail{MailBounced{"tl.1.2@desk.example.org", {"k@u.no"}, "550 5.1.1"}});
  CHECK(desk.State(id).status == TicketStatus::kResolved);
  CHECK(desk.Types(id).back() == "mail_bounced");
}
