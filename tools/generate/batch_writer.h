// BatchWriter: hands generated appends to EventLog::AppendBatch in large groups, on a thread of
// its own, so that simulating the next group overlaps committing this one.
//
// recorded_at follows the simulated time: before each group commits, the log's clock (the
// atomic given here, which must back LogOptions::clock) is set to the group's latest
// occurred_at. A group is cut when it holds kMaxRequests appends or when the next append
// happened more than kMaxSpan after its first, so an event is "recorded" at most kMaxSpan of
// simulated time after it occurred, and never before.
//
// Every result is checked against what the generator expects (the stream and its version after
// the append). Any refusal or surprise is a bug in the generator: the writer stops, and Add and
// Finish return the error from then on.
//
// Thread-safety: Add and Finish are called from one thread (the simulation's).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ledger/store/event_log.h"

namespace tl::tools::generate {

class BatchWriter {
 public:
  static constexpr size_t kMaxRequests = 4096;
  static constexpr ledger::TimeNs kMaxSpan = 5LL * 60 * ledger::kNanosPerSecond;
  // At most this many groups wait for the log; Add blocks beyond it.
  static constexpr size_t kMaxQueued = 2;

  // What the log must answer for an append: parts[0]'s stream and version after it.
  struct Expected {
    ledger::StreamId stream;
    ledger::Version version{};
  };

  // `log` and `clock` must outlive the writer.
  BatchWriter(ledger::EventLog& log, std::atomic<ledger::TimeNs>& clock);
  ~BatchWriter();  // waits for the groups already handed over; commits nothing more
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Appends must come in non-decreasing occurred_at order.
  Status Add(ledger::AppendRequest request, Expected expected, ledger::TimeNs occurred_at);
  // Commits everything added and waits for it; the first error, if any.
  Status Finish();

 private:
  struct Group {
    std::vector<ledger::AppendRequest> requests;
    std::vector<Expected> expected;
    ledger::TimeNs first_at = 0;
    ledger::TimeNs last_at = 0;
    uint64_t first_index = 0;  // the generator's count of appends before this group
  };

  void Hand(Group group);  // to the writer thread
  void Run();
  Status Commit(Group& group);

  ledger::EventLog& log_;
  std::atomic<ledger::TimeNs>& clock_;
  Group current_;
  uint64_t added_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Group> queue_;  // guarded by mu_
  bool busy_ = false;        // guarded by mu_: a group is being committed
  bool stopping_ = false;    // guarded by mu_
  Status error_;             // guarded by mu_: the first failure
  std::thread thread_;       // last: starts after the members above exist
};

}  // namespace tl::tools::generate
