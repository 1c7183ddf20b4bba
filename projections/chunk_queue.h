// ChunkQueue: a bounded FIFO of event chunks between one producer (the thread that reads,
// checks and decodes the log) and one consumer (the thread that folds the chunks into the read
// models), so that a replay uses two cores while the fold still sees the events in seq order.
// Either side may close it: the producer when the log is read, the consumer when it stops
// early. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "ledger/event.h"

namespace tl::projections {

class ChunkQueue {
 public:
  explicit ChunkQueue(size_t capacity) : capacity_(capacity) {}

  // Blocks while full. False when the queue was closed (the chunk is dropped).
  bool Push(std::vector<ledger::Event> chunk) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || chunks_.size() < capacity_; });
    if (closed_) return false;
    chunks_.push_back(std::move(chunk));
    not_empty_.notify_one();
    return true;
  }

  // Blocks while empty and open. Empty when closed and drained.
  std::optional<std::vector<ledger::Event>> Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !chunks_.empty(); });
    if (chunks_.empty()) return std::nullopt;
    std::vector<ledger::Event> chunk = std::move(chunks_.front());
    chunks_.pop_front();
    not_full_.notify_one();
    return chunk;
  }

  // What was pushed before is still popped; later pushes are refused.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::vector<ledger::Event>> chunks_;  // guarded by mu_
  bool closed_ = false;                            // guarded by mu_
};

}  // namespace tl::projections
