// Many appenders at once: the group-commit writer must serialise them exactly, never losing,
// duplicating or reordering an acknowledged append.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/fixtures.h"

using namespace tl::ledger;
using tl::testing::OpenLog;
using tl::testing::TempDir;

namespace {

AppendRequest CommentRequest(TicketId id, std::optional<Version> expected, std::string body) {
  AppendRequest r;
  r.parts.push_back(
      StreamAppend{StreamId::Ticket(id),
                   expected,
                   {EventDraft{EventId::Random(), 0, "t", "t", Commented{std::move(body)}}}});
  return r;
}

AppendRequest Open() {
  AppendRequest r;
  r.parts.push_back(StreamAppend{StreamId::NewTicket(),
                                 std::nullopt,
                                 {EventDraft{EventId::Random(), 0, "t", "t",
                                             TicketOpened{"s", Category::kSupport, "d", "q", "r",
                                                          Channel::kWeb, "", TicketId{}, ""}}}});
  return r;
}

}  // namespace

TEST_CASE("16 threads racing on one ticket: exactly one winner per version", "[log][concurrency]") {
  TempDir dir;
  auto log = OpenLog(dir.str());
  REQUIRE(log->Append(Open()).ok());

  constexpr int kThreads = 16;
  constexpr int kAttemptsEach = 60;
  std::mutex mu;
  std::map<Version, int> winners;  // version -> how many appends won it
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAttemptsEach; ++i) {
        // Read the current version, then try to append on it, as a client would.
        auto current = log->StreamVersion(StreamId::Ticket(TicketId{1}));
        REQUIRE(current.ok());
        auto r = log->Append(
            CommentRequest(TicketId{1}, *current, std::to_string(t) + ":" + std::to_string(i)));
        if (r.ok()) {
          std::lock_guard lock(mu);
          ++winners[r->version];
          CHECK(r->version == current->Next());
        } else {
          CHECK(r.status().reason() == tl::reason::kVersionConflict);
          ++conflicts;
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  auto stream = log->ReadStream(StreamId::Ticket(TicketId{1}));
  REQUIRE(stream.ok());
  const Version last = stream->back().event.version;
  CHECK(winners.size() == last.value() - 1);  // versions 2..last, each won once
  for (const auto& [version, count] : winners) CHECK(count == 1);
  CHECK(winners.size() + conflicts == kThreads * kAttemptsEach);
  for (size_t i = 0; i < stream->size(); ++i) CHECK((*stream)[i].event.version == Version{i + 1});
  CHECK(log->Verify().ok);
}

TEST_CASE("64 threads on different tickets: every acknowledged append is there once",
          "[log][concurrency]") {
  TempDir dir;
  auto log = OpenLog(dir.str());
  constexpr int kThreads = 64;
  constexpr int kAppendsEach = 25;
  std::vector<TicketId> tickets;
  for (int t = 0; t < kThreads; ++t) {
    auto r = log->Append(Open());
    REQUIRE(r.ok());
    tickets.push_back(r->stream.ticket);
  }
  std::mutex mu;
  std::set<Seq> acknowledged;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsEach; ++i) {
        auto r = log->Append(CommentRequest(tickets[t], std::nullopt, std::to_string(i)));
        REQUIRE(r.ok());
        std::lock_guard lock(mu);
        CHECK(acknowledged.insert(r->first_seq).second);
      }
    });
  }
  for (auto& t : threads) t.join();

  CHECK(acknowledged.size() == kThreads * kAppendsEach);
  CHECK(log->Head().seq.value() == kThreads + kThreads * kAppendsEach);
  // Each ticket's comments are in the order its thread appended them.
  for (int t = 0; t < kThreads; ++t) {
    auto stream = log->ReadStream(StreamId::Ticket(tickets[t]));
    REQUIRE(stream.ok());
    REQUIRE(stream->size() == kAppendsEach + 1);
    for (int i = 0; i < kAppendsEach; ++i) {
      CHECK(std::get<Commented>((*stream)[i + 1].event.payload).body == std::to_string(i));
    }
  }
  const LogStats stats = log->Stats();
  CHECK(stats.commits < stats.appends);  // appends were grouped
  CHECK(stats.appends == kThreads + kThreads * kAppendsEach);
  // Every append was made durable by some fsync, and the fsyncs' time was counted.
  CHECK(stats.syncs > 0);
  CHECK(stats.syncs <= stats.commits);
  CHECK(stats.sync_nanos >= stats.syncs * 1000);  // no real fsync takes under a microsecond
  CHECK(stats.AppendsPerCommit() > 1.0);
  CHECK(stats.AppendsPerSync() >= stats.AppendsPerCommit());
  CHECK(stats.MeanSyncMicros() >= 1.0);
  const LogStats later = log->Stats().Since(stats);
  CHECK(later.appends == 0);
  CHECK(later.sync_nanos == 0);
  CHECK(later.AppendsPerSync() == 0);  // no fsync since: no division by zero
  CHECK(later.MeanSyncMicros() == 0);
  CHECK(log->Verify().ok);
}

TEST_CASE("concurrent retries of one event id append it once", "[log][concurrency]") {
  TempDir dir;
  auto log = OpenLog(dir.str());
  REQUIRE(log->Append(Open()).ok());
  const AppendRequest request = CommentRequest(TicketId{1}, std::nullopt, "once");
  std::atomic<int> fresh{0}, replayed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      auto r = log->Append(request);
      REQUIRE(r.ok());
      (r->replayed ? replayed : fresh)++;
      CHECK(r->first_seq == Seq{2});
    });
  }
  for (auto& t : threads) t.join();
  CHECK(fresh == 1);
  CHECK(replayed == 15);
  CHECK(log->Head().seq == Seq{2});
}

// The sync stage runs on the sync thread under load and on the writer thread for a lone append
// on an idle log; completion runs on a third thread or inline. Whichever thread does it, the
// commit listener must see every event once in seq order, and an acknowledged append must
// already be published (read-your-writes).
TEST_CASE("a lone appender and bursts: published in seq order, visible when acknowledged",
          "[log][concurrency]") {
  TempDir dir;
  auto log = OpenLog(dir.str());
  std::vector<Seq> published;  // only the listener (one thread at a time) writes it
  log->SetCommitListener([&](const std::vector<Event>& events) {
    for (const Event& e : events) published.push_back(e.seq);
  });
  constexpr int kBurstThreads = 8;
  std::vector<TicketId> tickets;
  for (int t = 0; t <= kBurstThreads; ++t) {
    auto r = log->Append(Open());
    REQUIRE(r.ok());
    tickets.push_back(r->stream.ticket);
  }
  // Catch2's assertions are not thread-safe: the appenders count, the test thread checks.
  std::atomic<int> acknowledged{0}, refused{0};
  std::atomic<bool> unpublished_ack{false};
  auto append = [&](TicketId ticket, int i) {
    auto r = log->Append(CommentRequest(ticket, std::nullopt, std::to_string(i)));
    if (!r.ok()) {
      ++refused;
      return;
    }
    if (log->Head().seq < r->first_seq) unpublished_ack = true;
    ++acknowledged;
  };
  std::vector<std::thread> threads;
  threads.emplace_back([&] {  // mostly alone between the bursts: the writer syncs it itself
    for (int i = 0; i < 300; ++i) append(tickets[0], i);
  });
  for (int t = 1; t <= kBurstThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int burst = 0; burst < 6; ++burst) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * t));
        for (int i = 0; i < 10; ++i) append(tickets[t], burst * 10 + i);
      }
    });
  }
  for (auto& t : threads) t.join();

  CHECK(refused == 0);
  CHECK_FALSE(unpublished_ack);
  CHECK(acknowledged == 300 + kBurstThreads * 60);
  const Seq head = log->Head().seq;
  CHECK(head == static_cast<Seq>(kBurstThreads + 1 + acknowledged));
  // The listener saw the appends after the opening ones, each once, in order.
  REQUIRE(published.size() == head.value());
  for (size_t i = 0; i < published.size(); ++i) CHECK(published[i] == Seq{i + 1});
  CHECK(log->Verify().ok);
}
