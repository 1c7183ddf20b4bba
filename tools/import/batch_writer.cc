#include "tools/import/batch_writer.h"

namespace tl::tools::import {

void BatchWriter::Add(ledger::AppendRequest request) {
  pending_.push_back(std::move(request));
  if (pending_.size() >= chunk_size_) Send();
}

void BatchWriter::Flush() {
  Send();
  Collect();
}

void BatchWriter::Send() {
  Collect();  // the log commits requests in submission order; one chunk in flight at a time
  if (pending_.empty()) return;
  in_flight_ = std::async(std::launch::async, [this, chunk = std::move(pending_)]() mutable {
    return log_.AppendBatch(std::move(chunk));
  });
  pending_ = {};
}

void BatchWriter::Collect() {
  if (!in_flight_.valid()) return;
  for (const auto& result : in_flight_.get()) on_result_(reported_++, result);
}

}  // namespace tl::tools::import
