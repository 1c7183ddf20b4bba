#include "tools/generate/batch_writer.h"

#include <fmt/format.h>

namespace tl::tools::generate {

BatchWriter::BatchWriter(ledger::EventLog& log, std::atomic<ledger::TimeNs>& clock)
    : log_(log), clock_(clock), thread_([this] { Run(); }) {}

BatchWriter::~BatchWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status BatchWriter::Add(ledger::AppendRequest request, Expected expected,
                        ledger::TimeNs occurred_at) {
  if (!current_.requests.empty() &&
      (current_.requests.size() >= kMaxRequests || occurred_at - current_.first_at > kMaxSpan)) {
    Hand(std::move(current_));
    current_ = Group{};
  }
  {
    std::lock_guard lock(mu_);
    if (!error_.ok()) return error_;
  }
  if (current_.requests.empty()) {
    current_.first_at = occurred_at;
    current_.first_index = added_;
  }
  current_.last_at = std::max(current_.last_at, occurred_at);
  current_.requests.push_back(std::move(request));
  current_.expected.push_back(std::move(expected));
  ++added_;
  return Status::Ok();
}

Status BatchWriter::Finish() {
  if (!current_.requests.empty()) {
    Hand(std::move(current_));
    current_ = Group{};
  }
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || !error_.ok(); });
  return error_;
}

void BatchWriter::Hand(Group group) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queue_.size() < kMaxQueued || !error_.ok(); });
  if (!error_.ok()) return;  // the simulation learns of it at its next Add or Finish
  queue_.push_back(std::move(group));
  cv_.notify_all();
}

void BatchWriter::Run() {
  for (;;) {
    Group group;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every group handed over is committed
      group = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    Status status = Commit(group);
    {
      std::lock_guard lock(mu_);
      busy_ = false;
      if (!status.ok() && error_.ok()) error_ = status;
      if (!error_.ok()) queue_.clear();
    }
    cv_.notify_all();
  }
}

Status BatchWriter::Commit(Group& group) {
  // The log reads its clock on its own writer thread while it commits; nothing else moves it
  // until AppendBatch has returned.
  clock_.store(group.last_at);
  const std::vector<Result<ledger::AppendResult>> results =
      log_.AppendBatch(std::move(group.requests));
  for (size_t i = 0; i < results.size(); ++i) {
    const Expected& want = group.expected[i];
    const uint64_t index = group.first_index + i;
    if (!results[i].ok()) {
      return Status::Internal(fmt::format("generator bug: append #{} on {} was refused: {}", index,
                                          want.stream.ToString(), results[i].status().ToString()));
    }
    const ledger::AppendResult& got = *results[i];
    if (got.replayed || !(got.stream == want.stream) || got.version != want.version) {
      return Status::Internal(
          fmt::format("generator bug: append #{} landed on {} version {}{}, expected {} version {}",
                      index, got.stream.ToString(), got.version,
                      got.replayed ? " (as a replay)" : "", want.stream.ToString(), want.version));
    }
  }
  return Status::Ok();
}

}  // namespace tl::tools::generate
