// BatchWriter: appends many requests, in order, through EventLog::AppendBatch in chunks, so
// that the group-commit writer packs thousands of them into each synced WriteBatch. Reports
// every request's result, in order, to a callback.
//
// Not thread-safe; one writer per import. The log must outlive it.
#pragma once

#include <functional>
#include <vector>

#include "ledger/event_log.h"

namespace tl::tools::import {

class BatchWriter {
 public:
  // `index` counts the requests added, from 0.
  using OnResult = std::function<void(size_t index, const Result<ledger::AppendResult>& result)>;

  BatchWriter(ledger::EventLog& log, size_t chunk_size, OnResult on_result)
      : log_(log), chunk_size_(chunk_size), on_result_(std::move(on_result)) {}

  // Queues a request; commits the chunk when it is full (blocking until it is durable).
  void Add(ledger::AppendRequest request);
  // Commits what is queued.
  void Flush();

 private:
  ledger::EventLog& log_;
  size_t chunk_size_;
  OnResult on_result_;
  std::vector<ledger::AppendRequest> pending_;
  size_t done_ = 0;
};

}  // namespace tl::tools::import
