// Checkpoints: a restart loads them and replays only the tail; a checkpoint with another
// version stamp, damaged bytes or from another log is ignored and its model rebuilt; the
// background checkpoints of an attached Projections; the log going away first.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "projections/checkpoint_store.h"
#include "projections/model_registry.h"
#include "projections/names.h"
#include "projections/read_model.h"
#include "tests/projections/compare.h"
#include "tests/support/random_history.h"

using namespace tl::ledger;
using namespace tl::testing;
using tl::projections::CheckpointStamp;
using tl::projections::Options;
using tl::projections::Projections;

namespace {

// A random history in a temp dir, opened and reopened as a server would.
struct Ledger {
  explicit Ledger(uint64_t seed) : history(RandomHistoryOptions{.seed = seed}) {}

  void OpenLog() {
    LogOptions options;
    options.sync = false;
    options.clock = history.clock();
    log = tl::testing::OpenLog(dir.str(), options);
  }
  std::unique_ptr<Projections> Open(Options options, bool attach) {
    auto p = Projections::Open(*log, tl::projections::StandardModels(), std::move(options), attach);
    INFO(p.status().ToString());
    REQUIRE(p.ok());
    return std::move(p).value();
  }
  std::unique_ptr<Projections> FullReplay() {
    Options options;
    options.use_checkpoints = false;
    return Open(options, false);
  }
  void Extend(size_t tickets) { REQUIRE(history.Extend(*log, tickets).ok()); }

  TempDir dir;
  RandomHistory history;
  std::unique_ptr<EventLog> log;
};

Options WithCheckpoints(uint64_t every = 0) {
  Options options;
  options.checkpoint_every = every;  // 0: only when asked
  return options;
}

tl::projections::CheckpointInfo::Model ModelInfo(const Projections& p, std::string_view name) {
  for (const auto& m : p.checkpoint_info().models) {
    if (m.name == name) return m;
  }
  FAIL("no model " << name);
  return {};
}

}  // namespace

TEST_CASE("a restart loads the checkpoint, replays only the tail and equals a full replay",
          "[projections][checkpoints]") {
  Ledger ledger(11);
  ledger.OpenLog();
  Seq checkpointed;
  {
    auto live = ledger.Open(WithCheckpoints(), true);
    ledger.Extend(150);
    REQUIRE(live->Checkpoint().ok());
    checkpointed = live->applied_seq();
    CHECK(live->checkpoint_info().last_written_seq == checkpointed);
    ledger.Extend(150);
    ledger.log.reset();
  }
  ledger.OpenLog();
  std::vector<std::string> notes;
  Options options = WithCheckpoints();
  options.note = [&](std::string_view n) { notes.emplace_back(n); };
  Seq replayed_from{};
  options.progress = [&](Seq done, Seq) {
    if (replayed_from.is_zero()) replayed_from = done;
  };
  auto restarted = ledger.Open(options, true);
  CHECK(notes.empty());
  for (const auto& m : restarted->checkpoint_info().models) {
    INFO(m.name);
    CHECK(m.loaded_seq == checkpointed);
  }
  CHECK(restarted->applied_seq() == ledger.log->Head().seq);
  auto full = ledger.FullReplay();
  CheckSameProjections(*restarted, *full, kMonday);
  // And it keeps applying commits like the live one did.
  ledger.Extend(20);
  auto full_again = ledger.FullReplay();
  CheckSameProjections(*restarted, *full_again, kMonday);
  ledger.log.reset();
}

TEST_CASE(
    "a model whose checkpoint has another version stamp is rebuilt from seq 1 while the "
    "others load",
    "[projections][checkpoints]") {
  Ledger ledger(12);
  ledger.OpenLog();
  {
    auto live = ledger.Open(WithCheckpoints(), false);
    ledger.Extend(200);
    live = ledger.Open(WithCheckpoints(), false);  // catch up from seq 1
    REQUIRE(live->Checkpoint().ok());
  }
  const Seq seq = ledger.log->Head().seq;
  auto stored = tl::projections::ReadCheckpointStamp(*ledger.log, "response_times");
  REQUIRE(stored.ok());
  REQUIRE(*stored);
  REQUIRE((*stored)->seq == seq);
  // A checkpoint whose bytes say "no tickets at all": loading it would be visibly wrong.
  tl::projections::Names names;
  const tl::projections::ModelRegistry models = tl::projections::StandardModels();
  std::unique_ptr<tl::projections::ReadModel> empty;
  for (const auto& entry : models.entries()) {
    auto model = entry.make(names);
    if (model->name() == "response_times") empty = std::move(model);
  }
  REQUIRE(empty);
  tl::projections::CheckpointWriter w;
  empty->Encode(w);
  auto full = ledger.FullReplay();

  SECTION("with another version it is ignored and rebuilt") {
    CheckpointStamp stamp = **stored;
    stamp.model_version += 1;
    REQUIRE(tl::projections::WriteCheckpoint(*ledger.log, "response_times", stamp, w.bytes()).ok());
    std::vector<std::string> notes;
    Options options = WithCheckpoints();
    options.note = [&](std::string_view n) { notes.emplace_back(n); };
    auto reopened = ledger.Open(options, false);
    CHECK(ModelInfo(*reopened, "response_times").loaded_seq == Seq{0});
    CHECK(ModelInfo(*reopened, "volume").loaded_seq == seq);
    CHECK(ModelInfo(*reopened, "tickets").loaded_seq == Seq{0});  // rebuilt to feed response_times
    REQUIRE(notes.size() == 1);
    CHECK_THAT(notes[0], Catch::Contains("response_times"));
    CheckSameProjections(*reopened, *full, kMonday);
    // Rebuilding wrote a fresh checkpoint: the next start loads everything.
    auto again = ledger.Open(WithCheckpoints(), false);
    CHECK(ModelInfo(*again, "response_times").loaded_seq == seq);
    CHECK(ModelInfo(*again, "tickets").loaded_seq == seq);
    CheckSameProjections(*again, *full, kMonday);
  }
  SECTION("with the same version it is believed (which is why versions must be bumped)") {
    REQUIRE(
        tl::projections::WriteCheckpoint(*ledger.log, "response_times", **stored, w.bytes()).ok());
    auto reopened = ledger.Open(WithCheckpoints(), false);
    CHECK(ModelInfo(*reopened, "response_times").loaded_seq == seq);
    CHECK(reopened->StateDigests().at("response_times") !=
          full->StateDigests().at("response_times"));
  }
  SECTION("a new ticket-model stamp rebuilds every model") {
    auto tickets = tl::projections::ReadCheckpoint(*ledger.log, "tickets");
    REQUIRE(tickets.ok());
    REQUIRE(*tickets);
    CheckpointStamp stamp = (*tickets)->stamp;
    stamp.model_version += 1;
    REQUIRE(tl::projections::WriteCheckpoint(*ledger.log, "tickets", stamp, (*tickets)->body).ok());
    auto reopened = ledger.Open(WithCheckpoints(), false);
    CHECK(ModelInfo(*reopened, "tickets").loaded_seq == Seq{0});
    CHECK(ModelInfo(*reopened, "volume").loaded_seq == seq);
    CheckSameProjections(*reopened, *full, kMonday);
  }
}

TEST_CASE("a damaged checkpoint or one from another log is ignored and rebuilt",
          "[projections][checkpoints]") {
  Ledger ledger(13);
  ledger.OpenLog();
  ledger.Extend(100);
  REQUIRE(ledger.Open(WithCheckpoints(), false)->Checkpoint().ok());
  auto full = ledger.FullReplay();
  std::vector<std::string> notes;
  Options options = WithCheckpoints();
  options.note = [&](std::string_view n) { notes.emplace_back(n); };

  SECTION("a flipped byte fails the CRC") {
    auto stored = tl::projections::ReadCheckpoint(*ledger.log, "volume");
    REQUIRE(stored.ok());
    REQUIRE(*stored);
    const auto slot_key = [&](int slot) {
      return "projections/volume/" + std::to_string(slot) + "/000000";
    };
    // The body went into one of the two slots; damage whichever holds it.
    for (int slot : {0, 1}) {
      auto part = ledger.log->GetCheckpoint(slot_key(slot));
      REQUIRE(part.ok());
      if (*part && **part == (*stored)->body) {
        std::string damaged = **part;
        damaged[damaged.size() / 2] ^= 0x20;
        REQUIRE(ledger.log->PutCheckpoint(slot_key(slot), damaged).ok());
      }
    }
  }
  SECTION("a chain hash that is not this log's") {
    auto stored = tl::projections::ReadCheckpoint(*ledger.log, "volume");
    REQUIRE(stored.ok());
    CheckpointStamp stamp = (*stored)->stamp;
    stamp.chain_hash[0] ^= 1;
    REQUIRE(tl::projections::WriteCheckpoint(*ledger.log, "volume", stamp, (*stored)->body).ok());
  }
  SECTION("a checkpoint beyond the log's head") {
    auto stored = tl::projections::ReadCheckpoint(*ledger.log, "volume");
    REQUIRE(stored.ok());
    CheckpointStamp stamp = (*stored)->stamp;
    stamp.seq = ledger.log->Head().seq.Next();
    REQUIRE(tl::projections::WriteCheckpoint(*ledger.log, "volume", stamp, (*stored)->body).ok());
  }
  auto reopened = ledger.Open(options, false);
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0], Catch::Contains("volume"));
  CHECK(ModelInfo(*reopened, "volume").loaded_seq == Seq{0});
  CheckSameProjections(*reopened, *full, kMonday);
}

TEST_CASE("catching up a long tail at open writes a checkpoint for the next start",
          "[projections][checkpoints]") {
  Ledger ledger(14);
  ledger.OpenLog();
  ledger.Extend(100);
  auto first = ledger.Open(WithCheckpoints(100), false);
  CHECK(first->checkpoint_info().written == 1);
  CHECK(first->checkpoint_info().last_written_seq == ledger.log->Head().seq);
  auto second = ledger.Open(WithCheckpoints(100), false);
  CHECK(second->checkpoint_info().written == 0);  // nothing new to save
  CHECK(ModelInfo(*second, "metrics").loaded_seq == ledger.log->Head().seq);
}

TEST_CASE("an attached Projections checkpoints in the background every N events",
          "[projections][checkpoints]") {
  Ledger ledger(15);
  ledger.OpenLog();
  Seq written_seq{};
  {
    Options options = WithCheckpoints(500);
    options.note = [](std::string_view n) { WARN(std::string(n)); };
    auto live = ledger.Open(options, true);
    ledger.Extend(300);
    // The checkpoint thread works on its own copy; wait for it (no timing is asserted, the
    // deadline only keeps a broken build from hanging).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (live->checkpoint_info().written == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto info = live->checkpoint_info();
    REQUIRE(info.written >= 1);
    written_seq = info.last_written_seq;
    CHECK(written_seq >= Seq{500});
    CHECK(written_seq <= ledger.log->Head().seq);
    ledger.log.reset();  // the log goes first, as a server shuts down
  }
  ledger.OpenLog();
  auto restarted = ledger.Open(WithCheckpoints(), false);
  CHECK(ModelInfo(*restarted, "tickets").loaded_seq >= written_seq);
  auto full = ledger.FullReplay();
  CheckSameProjections(*restarted, *full, kMonday);
}

TEST_CASE("closing the log while a background checkpoint runs stops it in time",
          "[projections][checkpoints]") {
  for (uint64_t seed : {21, 22, 23}) {
    Ledger ledger(seed);
    ledger.OpenLog();
    auto live = ledger.Open(WithCheckpoints(50), true);
    ledger.Extend(200);
    ledger.log.reset();  // a checkpoint build is likely under way; it must stop before this ends
    live.reset();
    ledger.OpenLog();
    auto reopened = ledger.Open(WithCheckpoints(), false);
    CheckSameProjections(*reopened, *ledger.FullReplay(), kMonday);
  }
}
