// Backups of the event store (ledger/store/backup.h): taken while appends go on, listed,
// restored into an empty directory; a damaged backup is refused when restored.
#include "ledger/store/backup.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "ledger/store/event_log.h"
#include "tests/support/fixtures.h"
#include "tests/support/tmpfs_mount.h"

using namespace tl::ledger;
using tl::testing::OpenLog;
using tl::testing::TempDir;
using tl::testing::TmpfsMount;
namespace fs = std::filesystem;

namespace {

AppendRequest OpenRequest() {
  AppendRequest r;
  r.parts.push_back(StreamAppend{
      StreamId::NewTicket(),
      std::nullopt,
      {EventDraft{EventId::Random(), 1767603600LL * tl::ledger::kNanosPerSecond, "olga", "olga",
                  TicketOpened{"svc", Category::kSupport, "d", "q", "r", Channel::kEmail, "",
                               TicketId{}, ""}}}});
  return r;
}

void AppendTickets(EventLog& log, int count) {
  for (int i = 0; i < count; ++i) REQUIRE(log.Append(OpenRequest()).ok());
}

// Every event of `restored` is byte for byte the event of the same seq in `original`.
void RequirePrefixOf(const EventLog& restored, const EventLog& original) {
  std::vector<std::string> bytes;
  REQUIRE(original
              .ScanBytes(Seq{1}, restored.Head().seq,
                         [&](Seq, std::string_view b) {
                           bytes.emplace_back(b);
                           return tl::Status::Ok();
                         })
              .ok());
  REQUIRE(bytes.size() == restored.Head().seq.value());
  REQUIRE(restored
              .ScanBytes(Seq{1}, restored.Head().seq,
                         [&](Seq seq, std::string_view b) {
                           CHECK(b == bytes[seq.value() - 1]);
                           return tl::Status::Ok();
                         })
              .ok());
}

}  // namespace

TEST_CASE("a backup taken while appends go on holds every append acknowledged before it",
          "[log][backup]") {
  TempDir dir;
  auto log = OpenLog(dir.Sub("data"));
  std::mutex mu;
  std::vector<Seq> acked;
  std::atomic<int> finished{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      for (int i = 0; i < 150; ++i) {
        auto r = log->Append(OpenRequest());
        if (!r.ok()) continue;  // checked below: every append is acknowledged
        std::lock_guard lock(mu);
        acked.push_back(r->last_seq);
      }
      ++finished;
    });
  }
  auto acked_count = [&] {
    std::lock_guard lock(mu);
    return acked.size();
  };
  while (acked_count() < 100 && finished < 4) std::this_thread::yield();
  Seq acked_before{};
  {
    std::lock_guard lock(mu);
    for (Seq seq : acked) acked_before = std::max(acked_before, seq);
  }
  auto backup = log->Backup(dir.Sub("backups"));
  for (auto& w : writers) w.join();
  REQUIRE(backup.ok());
  CHECK(acked.size() == 600);
  CHECK(backup->backup_id == 1);
  CHECK(backup->seq >= acked_before);
  CHECK(backup->size_bytes > 0);
  CHECK(backup->created_at > 0);

  auto listed = ListBackups(dir.Sub("backups"));
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front() == *backup);

  auto restored_info = RestoreBackup(dir.Sub("backups"), std::nullopt, dir.Sub("restored"));
  REQUIRE(restored_info.ok());
  CHECK(*restored_info == *backup);
  auto restored = OpenLog(dir.Sub("restored"));
  CHECK(restored->Head().seq >= backup->seq);
  const VerifyReport report = restored->Verify();
  INFO(report.reason);
  CHECK(report.ok);
  RequirePrefixOf(*restored, *log);
}

TEST_CASE("backups accumulate, and each restores to the head it was taken at", "[log][backup]") {
  TempDir dir;
  auto log = OpenLog(dir.Sub("data"));
  AppendTickets(*log, 20);
  auto first = log->Backup(dir.Sub("backups"));
  REQUIRE(first.ok());
  AppendTickets(*log, 30);
  auto second = log->Backup(dir.Sub("backups"));
  REQUIRE(second.ok());
  CHECK(first->seq == Seq{20});
  CHECK(second->seq == Seq{50});
  CHECK(second->backup_id == first->backup_id + 1);
  auto listed = ListBackups(dir.Sub("backups"));
  REQUIRE(listed.ok());
  CHECK(*listed == std::vector<BackupInfo>{*first, *second});

  REQUIRE(RestoreBackup(dir.Sub("backups"), first->backup_id, dir.Sub("one")).ok());
  REQUIRE(RestoreBackup(dir.Sub("backups"), std::nullopt, dir.Sub("latest")).ok());
  auto one = OpenLog(dir.Sub("one"));
  auto latest = OpenLog(dir.Sub("latest"));
  CHECK(one->Head().seq == Seq{20});
  CHECK(latest->Head().seq == Seq{50});
  CHECK(one->Verify().ok);
  CHECK(latest->Verify().ok);
  RequirePrefixOf(*latest, *log);
}

TEST_CASE("a restore checks every file against its checksum: a flipped byte is data loss",
          "[log][backup]") {
  TempDir dir;
  {
    auto log = OpenLog(dir.Sub("data"));
    AppendTickets(*log, 50);
    REQUIRE(log->Backup(dir.Sub("backups")).ok());
  }
  // The events' table file: the largest one the backup shares.
  fs::path largest;
  for (const auto& entry : fs::recursive_directory_iterator(dir.Sub("backups"))) {
    if (entry.path().extension() != ".sst") continue;
    if (largest.empty() || entry.file_size() > fs::file_size(largest)) largest = entry.path();
  }
  REQUIRE(!largest.empty());
  {
    std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(100);
    char c = 0;
    file.get(c);
    file.seekp(100);
    file.put(static_cast<char>(c ^ 0x20));
  }
  auto restored = RestoreBackup(dir.Sub("backups"), std::nullopt, dir.Sub("restored"));
  REQUIRE(!restored.ok());
  CHECK(restored.status().code() == tl::StatusCode::kDataLoss);
}

TEST_CASE("backups refuse clearly: no such backup, an unusable directory, a read-only log",
          "[log][backup]") {
  TempDir dir;
  {
    auto log = OpenLog(dir.Sub("data"));
    AppendTickets(*log, 3);
    REQUIRE(log->Backup(dir.Sub("backups")).ok());
    // A backup directory that cannot be made: its parent is a file.
    std::ofstream(dir.Sub("file")) << "x";
    auto refused = log->Backup(dir.Sub("file") + "/backups");
    REQUIRE(!refused.ok());
    CHECK(refused.status().code() == tl::StatusCode::kUnavailable);
  }
  auto missing = RestoreBackup(dir.Sub("backups"), 7, dir.Sub("restored"));
  REQUIRE(!missing.ok());
  CHECK(missing.status().code() == tl::StatusCode::kNotFound);
  CHECK(RestoreBackup(dir.Sub("nothing"), std::nullopt, dir.Sub("restored")).status().code() ==
        tl::StatusCode::kNotFound);
  auto none = ListBackups(dir.Sub("nothing"));
  REQUIRE(none.ok());
  CHECK(none->empty());

  LogOptions read_only;
  read_only.read_only = true;
  read_only.create_if_missing = false;
  auto reader = OpenLog(dir.Sub("data"), read_only);
  CHECK(!reader->Backup(dir.Sub("backups")).ok());
}

TEST_CASE("a backup onto a full disk is refused as storage full, and leaves no backup behind",
          "[log][backup]") {
  TempDir dir;
  TmpfsMount mount(dir.Sub("small"), 1);
  if (!mount.mounted()) {
    WARN("skipped: cannot mount a tmpfs (" << mount.error() << "); the test needs root");
    return;
  }
  auto log = OpenLog(dir.Sub("data"));
  std::vector<AppendRequest> requests;
  for (int i = 0; i < 3000; ++i) requests.push_back(OpenRequest());
  for (const auto& r : log->AppendBatch(std::move(requests))) REQUIRE(r.ok());
  auto refused = log->Backup(dir.Sub("small") + "/backups");
  REQUIRE(!refused.ok());
  INFO(refused.status().ToString());
  CHECK(refused.status().code() == tl::StatusCode::kResourceExhausted);
  auto listed = ListBackups(dir.Sub("small") + "/backups");
  REQUIRE(listed.ok());
  CHECK(listed->empty());
  // The log goes on: a backup's failure is the backup's alone.
  CHECK(log->Append(OpenRequest()).ok());
}
