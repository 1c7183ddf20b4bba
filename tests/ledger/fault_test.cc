// Storage faults under the real log: RocksDB on a file system that fails writes and syncs on
// demand (ledger/store/fault_injection.h), every failure path of the write path, with its
// tunings (the default) and without ("plain"). For each fault:
//   - the appends it hits are refused with the code the caller acts on: kResourceExhausted for
//     a full disk, kUnavailable for a failed disk; the process does not abort;
//   - nothing refused is visible: the published head stays at the last acknowledged seq, and
//     no refused event id can be looked up;
//   - after reopening, every acknowledged append is there, no refused one is, and the log
//     verifies (a clean close cuts a failed WAL back to its last sync: wal_errors_at_sync.h);
//   - appends resume as docs/operations.md ("Storage faults") says: in the same process after
//     a flush or the MANIFEST ran out of space, only after a restart once the WAL failed.
// Several threads append at once, so that batches group and, tuned, pass the sync stage while
// the next is written: the fault then meets a batch that waits for its sync.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "ledger/store/event_log.h"
#include "ledger/store/fault_injection.h"
#include "tests/support/fixtures.h"

using namespace tl;
using namespace tl::ledger;
using tl::testing::OpenLog;
using tl::testing::TempDir;

namespace {

namespace json = boost::json;

// A thread gives up after this many appends without meeting the fault: the fault was not met.
constexpr int kMaxAppendsPerThread = 20'000;
// Waiting for something asynchronous (a flush that fails, a resume that succeeds) gives up
// after this long: generous, so that a loaded machine only makes the test slower.
constexpr auto kPatience = std::chrono::seconds(60);

LogOptions::Tuning TuningNamed(const std::string& name) {
  return name == "plain" ? LogOptions::Tuning::Plain() : LogOptions::Tuning{};
}

// One append of one event: a new ticket, so that appends never conflict with each other.
AppendRequest NewTicket(const EventId& id) {
  AppendRequest r;
  r.parts.push_back(StreamAppend{StreamId::NewTicket(),
                                 std::nullopt,
                                 {EventDraft{id, kNanosPerSecond, "fault", "fault",
                                             TicketOpened{"s", Category::kSupport, "d", "q", "r",
                                                          Channel::kWeb, "", TicketId{}, ""}}}});
  return r;
}

// What the appends of a test were told. Thread-safe.
class Outcomes {
 public:
  void Record(const EventId& id, const Result<AppendResult>& r) {
    std::lock_guard lock(mu_);
    if (r.ok()) {
      acked_.emplace_back(r->first_seq, id);
    } else {
      refused_.emplace_back(id, r.status());
    }
  }
  std::vector<std::pair<Seq, EventId>> acked() const {
    std::lock_guard lock(mu_);
    return acked_;
  }
  std::vector<std::pair<EventId, Status>> refused() const {
    std::lock_guard lock(mu_);
    return refused_;
  }
  void Clear() {
    std::lock_guard lock(mu_);
    acked_.clear();
    refused_.clear();
  }
  Seq last_acked() const {
    Seq last{};
    for (const auto& [seq, id] : acked()) last = std::max(last, seq);
    return last;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<Seq, EventId>> acked_;
  std::vector<std::pair<EventId, Status>> refused_;
};

// A log in a temp dir with a fault injector under it.
struct FaultyLog {
  explicit FaultyLog(const std::string& tuning_name) : tuning(TuningNamed(tuning_name)) {
    log = OpenLog(dir.str(), Options(/*faults=*/true));
  }

  LogOptions Options(bool faults) const {
    LogOptions options;
    options.tuning = tuning;
    if (faults) options.fault_injector = injector;
    return options;
  }

  Result<AppendResult> Append() {
    const EventId id = EventId::Random();
    Result<AppendResult> r = log->Append(NewTicket(id));
    outcomes.Record(id, r);
    return r;
  }

  // Appends from `threads` threads at once until each meets a refusal; the `arm_after`th
  // acknowledgement runs `arm` (on that appender's thread: the others keep appending). Returns
  // how many threads met a refusal.
  int AppendFromThreads(int threads, size_t arm_after, const std::function<void()>& arm) {
    std::atomic<size_t> acknowledged{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (int i = 0; i < kMaxAppendsPerThread; ++i) {
          if (!Append().ok()) {
            ++refused;
            return;
          }
          if (++acknowledged == arm_after) arm();
        }
      });
    }
    for (auto& w : workers) w.join();
    return refused.load();
  }

  // Appends one at a time until one is refused; its status (OK if none was, within kPatience).
  Status AppendUntilRefused() {
    const auto give_up = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < give_up) {
      Result<AppendResult> r = Append();
      if (!r.ok()) return r.status();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return Status::Ok();
  }

  // Appends one at a time until one is acknowledged (within kPatience); every refusal meanwhile
  // must have `code`. Whether one was acknowledged.
  bool AppendUntilAcknowledged(StatusCode code) {
    const auto give_up = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < give_up) {
      Result<AppendResult> r = Append();
      if (r.ok()) return true;
      INFO(r.status().ToString());
      CHECK(r.status().code() == code);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Every refusal so far has `code` and says why.
  void CheckRefusals(StatusCode code) const {
    const auto refused = outcomes.refused();
    CHECK(!refused.empty());
    for (const auto& [id, status] : refused) {
      INFO(status.ToString());
      CHECK(status.code() == code);
      CHECK(status.message().find("nothing of this batch was acknowledged") != std::string::npos);
    }
  }

  // In the running process: the published head is the last acknowledged seq, and no refused
  // event can be found.
  void CheckNothingRefusedVisible() const {
    const Seq last = outcomes.last_acked();
    CHECK(log->Head().seq == last);
    CHECK(log->ReadOne(last.Next()).status().code() == StatusCode::kNotFound);
    auto tail = log->Read(last, 100);
    REQUIRE(tail.ok());
    CHECK(tail->empty());
    for (const auto& [id, status] : outcomes.refused()) {
      auto found = log->LookupEventId(id);
      REQUIRE(found.ok());
      CHECK(!found->has_value());
    }
  }

  // Closes the log, reopens it without faults and checks what it holds (see the top): every
  // acknowledged append, and no refused one unless `outcome_may_be_unknown`.
  void Reopen(bool outcome_may_be_unknown = false) {
    log.reset();
    log = OpenLog(dir.str(), Options(/*faults=*/false));
    const VerifyReport report = log->Verify();
    INFO(report.reason);
    REQUIRE(report.ok);
    const auto acked = outcomes.acked();
    for (const auto& [seq, id] : acked) {
      auto found = log->LookupEventId(id);
      REQUIRE(found.ok());
      REQUIRE(found->has_value());
      CHECK((*found)->seq == seq);
      auto event = log->ReadOne(seq);
      REQUIRE(event.ok());
      CHECK(event->event.event_id == id);
    }
    // A refused append may have reached the disk only when the failure left its outcome
    // unknown (docs/operations.md, "Storage faults"): then it is one of the refused appends,
    // after every acknowledged one, and the tail holds nothing else.
    Seq head = outcomes.last_acked();
    for (const auto& [id, status] : outcomes.refused()) {
      auto found = log->LookupEventId(id);
      REQUIRE(found.ok());
      if (!found->has_value()) continue;
      INFO("refused " << status.ToString() << ", yet found at seq " << (*found)->seq);
      CHECK(outcome_may_be_unknown);
      CHECK((*found)->seq > outcomes.last_acked());
      head = std::max(head, (*found)->seq);
    }
    CHECK(log->Head().seq == head);
    CHECK(head.value() - outcomes.last_acked().value() <= outcomes.refused().size());
  }

  TempDir dir;
  LogOptions::Tuning tuning;
  std::shared_ptr<FaultInjector> injector = std::make_shared<FaultInjector>();
  std::unique_ptr<EventLog> log;
  Outcomes outcomes;
};

// Points this process's stderr (fd 2) at a file while alive.
class StderrToFile {
 public:
  explicit StderrToFile(const std::string& path) {
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  ~StderrToFile() {
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
  }
  StderrToFile(const StderrToFile&) = delete;
  StderrToFile& operator=(const StderrToFile&) = delete;

 private:
  int saved_ = -1;
};

// The scenario of every WAL fault: four appenders, the fault armed after 40 acknowledgements,
// every appender refused with `code`, nothing refused visible.
void RunIntoWalFault(FaultyLog& f, StatusCode code, const std::function<void()>& arm) {
  constexpr int kThreads = 4;
  CHECK(f.AppendFromThreads(kThreads, 40, arm) == kThreads);
  CHECK(f.injector->injected() >= 1);
  CHECK(f.outcomes.acked().size() >= 40);
  f.CheckRefusals(code);
  f.CheckNothingRefusedVisible();
}

}  // namespace

TEST_CASE("a failed fsync of the WAL refuses its batch and stops the log until it is reopened",
          "[log][fault]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  FaultyLog f(tuning);
  RunIntoWalFault(f, StatusCode::kUnavailable, [&] { f.injector->FailSyncs(FileKind::kWal, 1); });
  // Only the one fsync failed, but none is tried again on that file: the kernel may have
  // dropped what it could not write.
  f.injector->Clear();
  CHECK(f.Append().status().code() == StatusCode::kUnavailable);
  f.CheckNothingRefusedVisible();
  f.Reopen();
  CHECK(f.Append().ok());
}

TEST_CASE("a failed write to the WAL refuses its batch and stops the log until it is reopened",
          "[log][fault]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  FaultyLog f(tuning);
  RunIntoWalFault(f, StatusCode::kUnavailable, [&] { f.injector->FailWrites(FileKind::kWal, 1); });
  f.injector->Clear();
  CHECK(f.Append().status().code() == StatusCode::kUnavailable);
  f.CheckNothingRefusedVisible();
  f.Reopen();
  CHECK(f.Append().ok());
}

TEST_CASE("a full disk under the WAL refuses appends as storage full until a restart",
          "[log][fault]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  FaultyLog f(tuning);
  RunIntoWalFault(f, StatusCode::kResourceExhausted, [&] { f.injector->NoSpace(FileKind::kWal); });
  // Space is back, and the writer asks RocksDB to resume at most once a second: two tries
  // later the log still refuses, since the WAL failed (RocksStore::Resume).
  f.injector->SpaceIsBack();
  for (int i = 0; i < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(f.Append().status().code() == StatusCode::kResourceExhausted);
  }
  f.CheckNothingRefusedVisible();
  f.Reopen();
  CHECK(f.Append().ok());
}

TEST_CASE("a full disk met by a flush refuses appends, which resume once space is back",
          "[log][fault]") {
  const std::string tuning = GENERATE("tuned", "plain");
  const FileKind kind = GENERATE(FileKind::kTable, FileKind::kOther);
  INFO("write path: " << tuning << ", full for "
                      << (kind == FileKind::kTable ? "SST" : "MANIFEST"));
  FaultyLog f(tuning);
  for (int i = 0; i < 20; ++i) REQUIRE(f.Append().ok());
  // The flush writes table files, then records them in the MANIFEST.
  f.injector->NoSpace(kind);
  REQUIRE(f.log->StartFlush().ok());
  const Status refused = f.AppendUntilRefused();
  INFO(refused.ToString());
  REQUIRE(refused.code() == StatusCode::kResourceExhausted);
  CHECK(f.injector->injected() >= 1);
  f.CheckRefusals(StatusCode::kResourceExhausted);
  f.CheckNothingRefusedVisible();
  // While the disk stays full, the log keeps refusing, through the writer's tries to resume.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK(f.Append().status().code() == StatusCode::kResourceExhausted);
  // Space back: the next append at least a second after the last try resumes the log, in
  // this process; the batch refused left nothing behind.
  f.injector->SpaceIsBack();
  REQUIRE(f.AppendUntilAcknowledged(StatusCode::kResourceExhausted));
  for (int i = 0; i < 20; ++i) REQUIRE(f.Append().ok());
  f.CheckNothingRefusedVisible();
  f.Reopen();
  CHECK(f.Append().ok());
}

TEST_CASE("a ledger found corrupt while its disk is full stays refusing once space is back",
          "[log][fault]") {
  FaultyLog f("tuned");
  for (int i = 0; i < 20; ++i) REQUIRE(f.Append().ok());
  f.injector->NoSpace(FileKind::kTable);
  REQUIRE(f.log->StartFlush().ok());
  REQUIRE(f.AppendUntilRefused().code() == StatusCode::kResourceExhausted);
  // The integrity check finds damage meanwhile: a lasting reason, which no resume may end.
  f.log->RefuseAppends(Status::LedgerCorrupt("seq 3 does not match its hash"));
  f.injector->SpaceIsBack();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  for (int i = 0; i < 3; ++i) {
    const Result<AppendResult> r = f.Append();
    REQUIRE(!r.ok());
    CHECK(r.status().reason() == reason::kLedgerCorrupt);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  f.CheckNothingRefusedVisible();
}

TEST_CASE("a full disk met by a compaction refuses nothing and loses nothing", "[log][fault]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  FaultyLog f(tuning);
  f.injector->NoSpaceInCompactions();
  // Each flush adds a level-0 file to every family written since the last: after four,
  // RocksDB compacts them, and the compaction meets the full disk. RocksDB notes it (a "soft"
  // error) and goes on taking writes, flushing, and retrying the compaction now and then. A
  // flush is refused (kUnavailable: "try again") while the previous one still holds the
  // memtables.
  const auto give_up = std::chrono::steady_clock::now() + kPatience;
  while (f.injector->injected() == 0 && std::chrono::steady_clock::now() < give_up) {
    for (int i = 0; i < 10; ++i) REQUIRE(f.Append().ok());
    while (!f.log->StartFlush().ok() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  REQUIRE(f.injector->injected() >= 1);
  for (int i = 0; i < 50; ++i) REQUIRE(f.Append().ok());
  f.injector->SpaceIsBack();
  for (int i = 0; i < 10; ++i) REQUIRE(f.Append().ok());
  CHECK(f.outcomes.refused().empty());
  f.Reopen();
  CHECK(f.Append().ok());
}

TEST_CASE("a ledger cannot be opened on a full disk, and says so", "[log][fault]") {
  TempDir dir;
  auto injector = std::make_shared<FaultInjector>();
  for (FileKind kind : {FileKind::kWal, FileKind::kTable, FileKind::kOther}) {
    injector->NoSpace(kind);
  }
  LogOptions options;
  options.fault_injector = injector;
  auto fresh = EventLog::Open(dir.Sub("fresh"), options);
  REQUIRE(!fresh.ok());
  CHECK(fresh.status().code() == StatusCode::kResourceExhausted);

  // An existing ledger: opening writes the MANIFEST and a new WAL.
  REQUIRE(OpenLog(dir.Sub("existing"))->Append(NewTicket(EventId::Random())).ok());
  auto existing = EventLog::Open(dir.Sub("existing"), options);
  REQUIRE(!existing.ok());
  CHECK(existing.status().code() == StatusCode::kResourceExhausted);
  injector->SpaceIsBack();
  auto later = EventLog::Open(dir.Sub("existing"), options);
  REQUIRE(later.ok());
  CHECK((*later)->Head().seq == Seq{1});
  CHECK((*later)->Verify().ok);
}

TEST_CASE("faults at seeded random moments never lose an acknowledged append", "[log][fault]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  std::mt19937 rng(20261127);
  FaultyLog f(tuning);
  for (int round = 0; round < 8; ++round) {
    const int fault = std::uniform_int_distribution<int>(0, 3)(rng);
    const int threads = std::uniform_int_distribution<int>(1, 4)(rng);
    const size_t arm_after = std::uniform_int_distribution<size_t>(1, 80)(rng);
    INFO("round " << round << ": fault " << fault << ", " << threads << " threads, armed after "
                  << arm_after);
    f.injector->Clear();
    const StatusCode code = fault == 2 ? StatusCode::kResourceExhausted : StatusCode::kUnavailable;
    CHECK(f.AppendFromThreads(threads, arm_after, [&] {
      switch (fault) {
        case 0:
          f.injector->FailSyncs(FileKind::kWal, 1);
          break;
        case 1:
          f.injector->FailWrites(FileKind::kWal, 1);
          break;
        case 2:
          f.injector->NoSpace(FileKind::kWal);
          break;
        default:
          f.injector->FailSyncs(FileKind::kWal);
          break;
      }
    }) == threads);
    f.CheckNothingRefusedVisible();
    for (const auto& [id, status] : f.outcomes.refused()) CHECK(status.code() == code);
    f.injector->Clear();
    // Many appenders racing a WAL failure can leave a refused batch already synced in the
    // WAL file before the one that failed.
    f.Reopen(/*outcome_may_be_unknown=*/true);
    // The next round starts on the reopened log; its refusals are its own.
    f.outcomes.Clear();
    f.log.reset();
    f.log = OpenLog(f.dir.str(), f.Options(/*faults=*/true));
    const auto head = f.log->Head();
    for (int i = 0; i < 3; ++i) REQUIRE(f.Append().ok());
    CHECK(f.log->Head().seq.value() == head.seq.value() + 3);
  }
}

TEST_CASE("RocksDB writes no LOG file, and its warnings and errors are JSON lines on stderr",
          "[log][fault]") {
  TempDir out;
  FaultyLog f("tuned");
  {
    StderrToFile capture(out.Sub("stderr"));
    RunIntoWalFault(f, StatusCode::kResourceExhausted,
                    [&] { f.injector->NoSpace(FileKind::kWal); });
    f.log.reset();  // closing a log that met a fault logs too
  }
  std::ifstream in(out.Sub("stderr"));
  std::string line;
  int lines = 0;
  bool told_why = false;
  while (std::getline(in, line)) {
    if (line.find("\"component\":\"rocksdb\"") == std::string::npos) continue;
    INFO(line);
    ++lines;
    const json::object o = json::parse(line).as_object();  // throws (fails) unless JSON
    CHECK(o.size() == 4);
    CHECK(o.at("time").as_string().ends_with("Z"));
    const std::string level(o.at("level").as_string());
    CHECK((level == "warn" || level == "error" || level == "fatal"));
    CHECK(o.at("component") == "rocksdb");
    const std::string message(o.at("message").as_string());
    told_why = told_why || message.find("No space left on device") != std::string::npos;
  }
  CHECK(lines > 0);
  CHECK(told_why);
  for (const auto& entry : std::filesystem::directory_iterator(f.dir.path())) {
    INFO(entry.path());
    CHECK(!entry.path().filename().string().starts_with("LOG"));
  }
}

// Regression: RocksDB 7.8's DB::Resume() succeeds after a WAL error when no memtable holds
// data (it switches the WAL only to flush one), and keeps the WAL's writer in its error
// state; the next write then aborts on an assert in that writer (WritableFileWriter,
// "sync_without_flush_called_"). The log must not resume there.
TEST_CASE("a WAL failure right after opening, with nothing to flush, stays a refusal",
          "[log][fault]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  FaultyLog f(tuning);
  for (int i = 0; i < 5; ++i) REQUIRE(f.Append().ok());
  f.log.reset();  // closing flushes every memtable
  f.log = OpenLog(f.dir.str(), f.Options(/*faults=*/true));
  f.injector->NoSpace(FileKind::kWal);
  CHECK(f.Append().status().code() == StatusCode::kResourceExhausted);
  f.injector->SpaceIsBack();
  for (int i = 0; i < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(f.Append().status().code() == StatusCode::kResourceExhausted);
  }
  f.CheckNothingRefusedVisible();
  f.Reopen();
  CHECK(f.Append().ok());
}
