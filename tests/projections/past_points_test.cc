// The projections at a past point (projections/past_points.h): folded from the events up to the
// point, agreeing ticket by ticket with the as-of state folded from each ticket's own stream, and
// kept for the next request at that point while they still hold.
#include <catch2/catch.hpp>

#include "projections/projections.h"
#include "tests/support/fixtures.h"
#include "tests/support/random_history.h"
#include "tests/support/temp_dir.h"

using namespace tl::ledger;
using namespace tl::testing;
using tl::projections::AsOf;

namespace {

struct Live {
  TempDir dir;
  RandomHistory history{RandomHistoryOptions{.seed = 21}};
  std::unique_ptr<EventLog> log;
  std::unique_ptr<tl::projections::Projections> projections;

  Live() {
    LogOptions options;
    options.sync = false;
    options.clock = history.clock();
    log = OpenLog(dir.str(), options);
    tl::projections::Options p;
    p.checkpoint_every = 0;
    auto opened =
        tl::projections::Projections::Open(*log, tl::projections::StandardModels(), p, true);
    REQUIRE(opened.ok());
    projections = std::move(opened).value();
    REQUIRE(history.Extend(*log, 30).ok());
  }
  ~Live() { log.reset(); }  // the log's commit listener refers to the projections

  std::vector<Event> Events() const { return AllEvents(*log); }

  std::shared_ptr<const tl::projections::Projections> At(const AsOf& point) {
    auto past = projections->reports().At(point);
    INFO(past.status().ToString());
    REQUIRE(past.ok());
    return *past;
  }
};

}  // namespace

TEST_CASE("a past point's projections hold exactly the events up to it, renumbered",
          "[projections][asof]") {
  Live live;
  const std::vector<Event> events = live.Events();
  const Event& middle = events[events.size() / 2];
  for (const AsOf& point : {AsOf{AsOf::Kind::kSeq, middle.seq, 0},
                            AsOf{AsOf::Kind::kOccurredAt, Seq{}, middle.occurred_at},
                            AsOf{AsOf::Kind::kRecordedAt, Seq{}, middle.recorded_at}}) {
    uint64_t included = 0;
    TimeNs latest = 0;
    for (const Event& e : events) {
      const bool in = point.kind == AsOf::Kind::kSeq          ? e.seq <= point.seq
                      : point.kind == AsOf::Kind::kOccurredAt ? e.occurred_at <= point.time
                                                              : e.recorded_at <= point.time;
      if (in) {
        ++included;
        latest = std::max(latest, e.occurred_at);
      }
    }
    auto past = live.At(point);
    CHECK(past->applied_seq() == Seq(included));
    CHECK(past->latest_occurred_at() == latest);
    for (TicketId id{1}; id.value() <= live.history.tickets(); ++id) {
      auto from_stream = live.projections->TicketAsOf(id, point);
      auto folded = past->Ticket(id);
      CHECK(from_stream.ok() == folded.has_value());
      if (folded && from_stream.ok()) CHECK(*folded == *from_stream);
    }
  }
}

TEST_CASE("a past point is folded once while it holds, and the oldest of three is dropped",
          "[projections][asof]") {
  Live live;
  const Seq head = live.log->Head().seq;
  const AsOf by_seq{AsOf::Kind::kSeq, Seq(head.value() / 2), 0};
  const AsOf by_time{AsOf::Kind::kOccurredAt, Seq{}, live.projections->latest_occurred_at()};
  auto seq_first = live.At(by_seq);
  CHECK(live.At(by_seq) == seq_first);
  auto time_first = live.At(by_time);
  CHECK(live.At(by_time) == time_first);
  // An append: the seq point still holds, the time point may have gained events.
  REQUIRE(live.history.Extend(*live.log, 1).ok());
  CHECK(live.At(by_seq) == seq_first);
  auto time_again = live.At(by_time);
  CHECK(time_again != time_first);
  CHECK(live.At(by_time) == time_again);
  // Two points are kept: a third drops the least recently used (by_seq).
  live.At(AsOf{AsOf::Kind::kSeq, Seq{3}, 0});
  CHECK(live.At(by_seq) != seq_first);
}
