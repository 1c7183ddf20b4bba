// BoundedQueue<T>: a bounded FIFO between one producer thread and one consumer thread (a
// replay's reader and its fold, an import's parser and its translator), so that two cores
// share the work while the consumer still sees the items in order. Either side may close it:
// the producer when it has nothing more, the consumer when it stops early. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace tl {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  // Blocks while full. False when the queue was closed (the item is dropped).
  bool Push(T item) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    return PushLocked(std::move(item));
  }

  // Blocks while empty and open. Empty when closed and drained.
  std::optional<T> Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    return PopLocked();
  }

  // Without waiting: false when full or closed (the item is dropped).
  bool TryPush(T item) {
    std::lock_guard lock(mu_);
    if (items_.size() >= capacity_) return false;
    return PushLocked(std::move(item));
  }

  // Without waiting: empty when nothing is queued.
  std::optional<T> TryPop() {
    std::lock_guard lock(mu_);
    return PopLocked();
  }

  // What was pushed before is still popped; later pushes are refused.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  // With mu_ held and room made sure of (unless closed).
  bool PushLocked(T item) {
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // With mu_ held.
  std::optional<T> PopLocked() {
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;  // guarded by mu_
  bool closed_ = false;  // guarded by mu_
};

}  // namespace tl
