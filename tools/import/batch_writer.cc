#include "tools/import/batch_writer.h"

#include <memory>
#include <utility>

namespace tl::tools::import {

void BatchWriter::Add(ledger::AppendRequest request) {
  pending_.push_back(std::move(request));
  if (pending_.size() >= chunk_size_) Send();
}

void BatchWriter::Flush() {
  Send();
  while (!in_flight_.empty()) CollectOldest();
}

void BatchWriter::Send() {
  if (pending_.empty()) return;
  while (in_flight_.size() >= kChunksInFlight) CollectOldest();
  // The log commits chunks in the order they are queued; each waits for the one before.
  auto queued = std::make_shared<std::promise<void>>();
  std::shared_future<void> previous = std::exchange(last_queued_, queued->get_future().share());
  auto commit = [this, chunk = std::move(pending_), previous, queued]() mutable {
    ledger::EventLog::BatchTurn turn;
    turn.wait_turn = [&] {
      if (previous.valid()) previous.wait();
    };
    turn.queued = [&] { queued->set_value(); };
    return log_.AppendBatch(std::move(chunk), turn);
  };
  in_flight_.push_back(std::async(std::launch::async, std::move(commit)));
  pending_ = {};
}

void BatchWriter::CollectOldest() {
  for (const auto& result : in_flight_.front().get()) on_result_(reported_++, result);
  in_flight_.pop_front();
}

}  // namespace tl::tools::import
