// Folding an event while taking its free text (the bulk replay's way) gives the ticket state
// that folding a copy gives, for every event of seeded random histories.
#include "ledger/domain/ticket_state.h"

#include <catch2/catch.hpp>

#include "tests/support/random_history.h"
#include "tests/support/temp_dir.h"

using namespace tl::ledger;
using namespace tl::testing;

TEST_CASE("taking an event's text folds to the same ticket state as copying it", "[ledger]") {
  for (uint64_t seed : {1, 2}) {
    INFO("seed " << seed);
    TempDir dir;
    REQUIRE(WriteRandomHistory(dir.str(), seed, 300).ok());
    auto log = OpenLog(dir.str());
    std::vector<TicketState> copied, taken;
    size_t with_text = 0;
    REQUIRE(log->Scan(Seq{1}, log->Head().seq,
                      [&](const StoredEvent& stored) {
                        if (!stored.event.stream.is_ticket()) return tl::Status::Ok();
                        const size_t index = stored.event.stream.ticket.value() - 1;
                        if (copied.size() <= index) {
                          copied.resize(index + 1);
                          taken.resize(index + 1);
                        }
                        ApplyToTicket(copied[index], stored.event);
                        Event consumed = stored.event;
                        ApplyToTicketTakingText(taken[index], consumed);
                        REQUIRE(taken[index] == copied[index]);
                        with_text +=
                            !copied[index].description.empty() && copied[index].solution_given;
                        return tl::Status::Ok();
                      })
                .ok());
    CHECK(with_text > 100);  // the text was there to take
  }
}
