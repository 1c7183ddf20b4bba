// The state the fold hands its read models as "before the event" equals a full copy of the
// ticket without the free text Change::before leaves out, for every event of seeded random
// histories (every event type, imported stalls and feedback included), and never hides a
// change of the description.
#include "projections/state_before_event.h"

#include <catch2/catch.hpp>

#include "ledger/domain/ticket_state.h"
#include "tests/support/random_history.h"
#include "tests/support/temp_dir.h"

using namespace tl::ledger;
using tl::projections::CopyBeforeEvent;
using namespace tl::testing;

namespace {

// What Change::before promises: the ticket as it was, free text emptied.
TicketState WithoutFreeText(TicketState t, bool keep_description) {
  if (!keep_description) t.description.clear();
  t.external_ref.clear();
  t.children.clear();
  return t;
}

}  // namespace

TEST_CASE("the state before an event is the ticket's, without the free text no model reads",
          "[projections]") {
  for (uint64_t seed : {1, 2, 3}) {
    INFO("seed " << seed);
    TempDir dir;
    REQUIRE(WriteRandomHistory(dir.str(), seed, 300).ok());
    auto log = OpenLog(dir.str());
    std::vector<TicketState> tickets;
    TicketState before;  // reused across tickets, as the fold does
    size_t checked = 0, description_changes = 0, with_free_text = 0;
    REQUIRE(log->Scan(Seq{1}, log->Head().seq,
                      [&](const StoredEvent& stored) {
                        const Event& e = stored.event;
                        if (!e.stream.is_ticket()) return tl::Status::Ok();
                        const uint64_t id = e.stream.ticket.value();
                        if (tickets.size() < id) tickets.resize(id);
                        TicketState& t = tickets[id - 1];
                        const TicketState full = t;
                        const bool description_changed = CopyBeforeEvent(t, e, before);
                        ApplyToTicket(t, e);
                        CHECK(before == WithoutFreeText(full, description_changed));
                        if (!description_changed) CHECK(full.description == t.description);
                        description_changes += full.exists() && full.description != t.description;
                        with_free_text += !full.description.empty() && !full.children.empty();
                        ++checked;
                        return tl::Status::Ok();
                      })
                .ok());
    // The histories reach the cases that matter: descriptions edited, free text present.
    CHECK(checked > 1000);
    CHECK(description_changes > 0);
    CHECK(with_free_text > 0);
  }
}
