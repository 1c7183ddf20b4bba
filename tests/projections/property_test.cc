// Property: for seeded random histories, the projections built commit by commit and event by
// event, with a checkpoint and a restart in the middle, equal a full replay; two replays equal.
// Also with erasures among the actions (docs/privacy.md): the live read models saw each erased
// ticket's text before its erasure, a replay never sees it (the keys are gone), and both must
// end in the same state.
#include <catch2/catch.hpp>

#include "tests/projections/compare.h"
#include "tests/support/random_history.h"

using namespace tl::ledger;
using namespace tl::testing;
using tl::projections::Options;
using tl::projections::Projections;

namespace {

std::unique_ptr<Projections> OpenProjections(EventLog& log, Options options, bool attach) {
  auto p = Projections::Open(log, tl::projections::StandardModels(), std::move(options), attach);
  INFO(p.status().ToString());
  REQUIRE(p.ok());
  return std::move(p).value();
}

void CheckHistory(uint64_t seed, size_t tickets, double erasure_share = 0) {
  INFO("seed " << seed << ", erasure share " << erasure_share);
  TempDir dir;
  RandomHistory history(RandomHistoryOptions{.seed = seed, .erasure_share = erasure_share});
  LogOptions log_options;
  log_options.sync = false;
  log_options.clock = history.clock();
  // Erasures destroy data keys: the log seals personal fields as the product's does.
  auto OpenLog = [&](const std::string& where, LogOptions options) {
    return erasure_share > 0 ? OpenSealedLog(where, std::move(options))
                             : tl::testing::OpenLog(where, std::move(options));
  };
  Options live_options;
  live_options.checkpoint_every = 0;

  // First half: applied as each commit lands, then a checkpoint, then the process stops.
  {
    auto log = OpenLog(dir.str(), log_options);
    auto live = OpenProjections(*log, live_options, true);
    REQUIRE(history.Extend(*log, tickets / 2).ok());
    REQUIRE(live->Checkpoint().ok());
    log.reset();
  }
  // Second half: a restart from the checkpoint, then commits again.
  auto log = OpenLog(dir.str(), log_options);
  auto live = OpenProjections(*log, live_options, true);
  REQUIRE(history.Extend(*log, tickets - tickets / 2).ok());
  REQUIRE(log->Head().seq.value() == history.events());
  CHECK(history.events() > 4 * tickets);
  if (erasure_share > 0) CHECK(history.erasures() > 0);

  Options replay;
  replay.use_checkpoints = false;
  auto first = OpenProjections(*log, replay, false);
  // The second without the replay's data key cache (Options::cache_data_keys): one key store
  // read per event, as before the cache; both ways must fold the same state.
  Options uncached = replay;
  uncached.cache_data_keys = false;
  auto second = OpenProjections(*log, uncached, false);
  // One event at a time, as the smallest possible commits.
  Options empty = replay;
  empty.to_seq = Seq{0};
  auto single = OpenProjections(*log, empty, false);
  REQUIRE(log->Scan(Seq{1}, log->Head().seq,
                    [&](const StoredEvent& e) {
                      single->Apply({e.event});
                      return tl::Status::Ok();
                    })
              .ok());

  {
    INFO("live (with a restart) against a replay");
    CheckSameProjections(*live, *first, kMonday);
  }
  {
    INFO("two replays, with and without the data key cache");
    CheckSameProjections(*first, *second, kMonday);
  }
  {
    INFO("event by event against a replay");
    CheckSameProjections(*single, *first, kMonday);
  }
  log.reset();
}

}  // namespace

TEST_CASE("random histories: live with a restart, event by event and replays all agree",
          "[projections][property]") {
  for (uint64_t seed : {1, 2, 3}) CheckHistory(seed, 400);
}

TEST_CASE("random histories, larger: live with a restart, event by event and replays all agree",
          "[projections][property][slow]") {
  for (uint64_t seed : {101, 102, 103, 104}) CheckHistory(seed, 3000);
}

TEST_CASE("random histories with erasures: live with a restart, event by event and replays agree",
          "[projections][property][privacy]") {
  for (uint64_t seed : {11, 12, 13}) CheckHistory(seed, 400, 0.02);
}
