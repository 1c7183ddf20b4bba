// BatchWriter: appends many requests, in order, through EventLog::AppendBatch in chunks, so
// that the group-commit writer packs thousands of them into each synced WriteBatch. Up to four
// chunks are in flight (each handed over from a thread of its own, in turn) while the caller
// prepares the next, so the log's sequencer always finds the next chunk queued when it
// finishes one, and its sync stage makes the previous one durable meanwhile.
// Reports every request's result, in order, to a callback that runs on the caller's thread
// (inside Add, Flush or the destructor).
//
// Not thread-safe; one writer per import. The log must outlive it.
#pragma once

#include <deque>
#include <functional>
#include <future>
#include <vector>

#include "ledger/store/event_log.h"

namespace tl::tools::import {

class BatchWriter {
 public:
  // `index` counts the requests added, from 0.
  using OnResult = std::function<void(size_t index, const Result<ledger::AppendResult>& result)>;

  BatchWriter(ledger::EventLog& log, size_t chunk_size, OnResult on_result)
      : log_(log), chunk_size_(chunk_size), on_result_(std::move(on_result)) {}
  ~BatchWriter() { Flush(); }
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  static constexpr size_t kChunksInFlight = 4;

  // Queues a request. When the chunk is full, sends it, first waiting for the oldest chunk in
  // flight (and reporting its results) if kChunksInFlight are.
  void Add(ledger::AppendRequest request);
  // Sends what is queued and waits until every request added so far is reported.
  void Flush();

 private:
  void Send();
  void CollectOldest();

  ledger::EventLog& log_;
  size_t chunk_size_;
  OnResult on_result_;
  std::vector<ledger::AppendRequest> pending_;
  std::deque<std::future<std::vector<Result<ledger::AppendResult>>>> in_flight_;
  // Becomes ready when the last chunk sent is queued in the log: the next one waits for it.
  std::shared_future<void> last_queued_;
  size_t reported_ = 0;
};

}  // namespace tl::tools::import
