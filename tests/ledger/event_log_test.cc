#include "ledger/store/event_log.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "tests/support/fixtures.h"

using namespace tl::ledger;
using tl::testing::OpenLog;
using tl::testing::TempDir;

namespace {

EventDraft Draft(Payload payload, std::string actor = "olga") {
  return EventDraft{EventId::Random(), 1767603600LL * kNanosPerSecond, actor, actor,
                    std::move(payload)};
}

AppendRequest OpenRequest() {
  AppendRequest r;
  r.parts.push_back(StreamAppend{StreamId::NewTicket(),
                                 std::nullopt,
                                 {Draft(TicketOpened{"svc", Category::kSupport, "d", "q", "r",
                                                     Channel::kEmail, "", TicketId{}, ""})}});
  return r;
}

AppendRequest ActRequest(TicketId id, std::optional<Version> expected, Payload p) {
  AppendRequest r;
  r.parts.push_back(StreamAppend{StreamId::Ticket(id), expected, {Draft(std::move(p))}});
  return r;
}

}  // namespace

TEST_CASE("appends get contiguous seqs from 1 and survive reopening", "[log]") {
  TempDir dir;
  {
    auto log = OpenLog(dir.str());
    auto first = log->Append(OpenRequest());
    REQUIRE(first.ok());
    CHECK(first->stream == StreamId::Ticket(TicketId{1}));
    CHECK(first->first_seq == Seq{1});
    CHECK(first->version == Version{1});
    auto second = log->Append(ActRequest(TicketId{1}, Version{1}, Replied{"hello"}));
    REQUIRE(second.ok());
    CHECK(second->first_seq == Seq{2});
    CHECK(second->version == Version{2});
  }
  auto log = OpenLog(dir.str());
  CHECK(log->Head().seq == Seq{2});
  CHECK(log->Head().last_ticket == TicketId{1});
  auto third = log->Append(OpenRequest());
  REQUIRE(third.ok());
  CHECK(third->first_seq == Seq{3});
  CHECK(third->stream == StreamId::Ticket(TicketId{2}));

  auto all = log->Read(Seq{0}, 100);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  for (size_t i = 0; i < all->size(); ++i) CHECK((*all)[i].event.seq == Seq{i + 1});
  CHECK((*all)[0].prev_hash == Hash{});
  CHECK((*all)[1].prev_hash == (*all)[0].hash);
  CHECK(log->Head().hash == (*all)[2].hash);

  auto stream = log->ReadStream(StreamId::Ticket(TicketId{1}));
  REQUIRE(stream.ok());
  REQUIRE(stream->size() == 2);
  CHECK(std::get<Replied>((*stream)[1].event.payload).body == "hello");
  CHECK(log->Verify().ok);
}

TEST_CASE("expected version and idempotency are checked at commit", "[log]") {
  TempDir dir;
  LogOptions options;
  auto log = OpenLog(dir.str(), options);
  REQUIRE(log->Append(OpenRequest()).ok());

  auto stale = log->Append(ActRequest(TicketId{1}, Version{0}, Replied{"x"}));
  REQUIRE(stale.status().reason() == tl::reason::kVersionConflict);
  CHECK(stale.status().current_version() == 1);

  AppendRequest once = ActRequest(TicketId{1}, std::nullopt, Commented{"note"});
  auto a = log->Append(once);
  auto b = log->Append(once);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(b->replayed);
  CHECK(b->last_seq == a->last_seq);
  CHECK(b->version == a->version);
  CHECK(log->Head().seq == Seq{2});

  AppendRequest other = once;
  other.parts[0].events[0].payload = Commented{"different"};
  auto c = log->Append(other);
  CHECK(c.status().reason() == tl::reason::kIdempotencyConflict);
  CHECK(log->Head().seq == Seq{2});

  auto missing = log->Append(ActRequest(TicketId{99}, std::nullopt, Replied{"x"}));
  CHECK(missing.status().code() == tl::StatusCode::kNotFound);
  CHECK(log->Verify().ok);
}

TEST_CASE("a batch staged while the one before it is written sees that one's appends", "[log]") {
  TempDir dir;
  LogOptions options;
  options.max_batch_appends = 50;  // each batch below is one group of the writer
  auto log = OpenLog(dir.str(), options);
  REQUIRE(log->Append(OpenRequest()).ok());  // ticket 1, version 1

  std::vector<AppendRequest> first;
  for (int i = 0; i < 50; ++i) {
    first.push_back(ActRequest(TicketId{1}, Version(1 + i), Commented{"c" + std::to_string(i)}));
  }
  std::vector<AppendRequest> second;
  second.push_back(first[9]);  // a retry: the original result, from the batch in flight
  second.push_back(
      ActRequest(TicketId{1}, Version(51), Replied{"after"}));  // on the in-flight version
  AppendRequest reused = ActRequest(TicketId{1}, std::nullopt, Commented{"other content"});
  reused.parts[0].events[0].event_id = first[19].parts[0].events[0].event_id;
  second.push_back(reused);  // an in-flight id with other content
  second.push_back(ActRequest(TicketId{1}, Version(50), Commented{"stale"}));

  std::promise<void> first_queued;
  std::shared_future<void> first_queued_future = first_queued.get_future().share();
  std::vector<tl::Result<AppendResult>> first_results, second_results;
  std::thread a([&] {
    EventLog::BatchTurn turn;
    turn.queued = [&] { first_queued.set_value(); };
    first_results = log->AppendBatch(first, turn);
  });
  std::thread b([&] {
    EventLog::BatchTurn turn;
    turn.wait_turn = [&] { first_queued_future.wait(); };
    second_results = log->AppendBatch(second, turn);
  });
  a.join();
  b.join();

  REQUIRE(first_results.size() == 50);
  for (int i = 0; i < 50; ++i) {
    REQUIRE(first_results[i].ok());
    CHECK(first_results[i]->version == Version(2 + i));
  }
  REQUIRE(second_results.size() == 4);
  REQUIRE(second_results[0].ok());
  CHECK(second_results[0]->replayed);
  CHECK(second_results[0]->version == Version{11});
  CHECK(second_results[0]->first_seq == first_results[9]->first_seq);
  CHECK(second_results[0]->stream == StreamId::Ticket(TicketId{1}));
  REQUIRE(second_results[1].ok());
  CHECK(second_results[1]->version == Version{52});
  CHECK(second_results[2].status().reason() == tl::reason::kIdempotencyConflict);
  CHECK(second_results[3].status().reason() == tl::reason::kVersionConflict);
  CHECK(log->Head().seq == Seq{1 + 50 + 1});
  CHECK(log->Verify().ok);
}

TEST_CASE("a flush started between loads loses nothing; a read-only log refuses it", "[log]") {
  TempDir dir;
  {
    auto log = OpenLog(dir.str());
    REQUIRE(log->Append(OpenRequest()).ok());
    REQUIRE(log->StartFlush().ok());
    for (int i = 0; i < 20; ++i)
      REQUIRE(log->Append(ActRequest(TicketId{1}, std::nullopt, Replied{"r"})).ok());
    REQUIRE(log->StartFlush().ok());
    CHECK(log->Head().seq == Seq{21});
  }
  LogOptions read_only;
  read_only.read_only = true;
  read_only.create_if_missing = false;
  auto reader = EventLog::Open(dir.str(), read_only);
  REQUIRE(reader.ok());
  CHECK((*reader)->Head().seq == Seq{21});
  CHECK((*reader)->Verify().ok);
  CHECK((*reader)->StartFlush().code() ==
        tl::StatusCode::kInvalidArgument);  // nothing to flush there
}

TEST_CASE("an append that names one event id twice is refused whole", "[log]") {
  TempDir dir;
  auto log = OpenLog(dir.str());
  REQUIRE(log->Append(OpenRequest()).ok());
  // Few events are checked by a scan, many by sorting: both ways, the repeat may be anywhere.
  for (size_t events : {2, 5, 16, 17, 40}) {
    for (size_t repeat_at : {size_t{1}, events / 2, events - 1}) {
      INFO(events << " events, the first id again at " << repeat_at);
      AppendRequest r;
      r.parts.push_back(StreamAppend{StreamId::Ticket(TicketId{1}), std::nullopt, {}});
      for (size_t i = 0; i < events; ++i) r.parts[0].events.push_back(Draft(Commented{"c"}));
      r.parts[0].events[repeat_at].event_id = r.parts[0].events[0].event_id;
      auto refused = log->Append(r);
      CHECK(refused.status().code() == tl::StatusCode::kInvalidArgument);
      CHECK(refused.status().message() == "an event id appears twice in one append");
      r.parts[0].events[repeat_at].event_id = EventId::Random();
      auto taken = log->Append(r);
      REQUIRE(taken.ok());
      CHECK(taken->last_seq.value() - taken->first_seq.value() + 1 == events);
    }
  }
  CHECK(log->Verify().ok);
}

TEST_CASE("batches appended from several threads commit in the order of their turns", "[log]") {
  TempDir dir;
  auto log = OpenLog(dir.str());
  REQUIRE(log->Append(OpenRequest()).ok());  // ticket 1, version 1
  constexpr int kBatches = 4, kPerBatch = 5;
  std::vector<std::promise<void>> queued(kBatches);
  std::vector<std::shared_future<void>> queued_futures;
  for (auto& p : queued) queued_futures.push_back(p.get_future().share());
  std::vector<std::vector<tl::Result<AppendResult>>> results(kBatches);
  std::vector<std::thread> threads;
  // Started last batch first: without the turns the later batches would reach the writer
  // first and be refused for their expected versions.
  for (int b = kBatches - 1; b >= 0; --b) {
    std::vector<AppendRequest> batch;
    for (int i = 0; i < kPerBatch; ++i) {
      batch.push_back(ActRequest(TicketId{1}, Version(1 + b * kPerBatch + i), Commented{"c"}));
    }
    threads.emplace_back([&, b, batch = std::move(batch)]() mutable {
      EventLog::BatchTurn turn;
      turn.wait_turn = [&] {
        if (b > 0) queued_futures[b - 1].wait();
      };
      turn.queued = [&] { queued[b].set_value(); };
      results[b] = log->AppendBatch(std::move(batch), turn);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& t : threads) t.join();
  for (int b = 0; b < kBatches; ++b) {
    REQUIRE(results[b].size() == kPerBatch);
    for (int i = 0; i < kPerBatch; ++i) {
      INFO("batch " << b << ", request " << i);
      REQUIRE(results[b][i].ok());
      CHECK(results[b][i]->version == Version(2 + b * kPerBatch + i));
    }
  }
  CHECK(log->Head().seq.value() == 1 + kBatches * kPerBatch);
  CHECK(log->Verify().ok);
}
