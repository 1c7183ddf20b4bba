#include "tools/import/batch_writer.h"

namespace tl::tools::import {

void BatchWriter::Add(ledger::AppendRequest request) {
  pending_.push_back(std::move(request));
  if (pending_.size() >= chunk_size_) Flush();
}

void BatchWriter::Flush() {
  if (pending_.empty()) return;
  std::vector<Result<ledger::AppendResult>> results = log_.AppendBatch(std::move(pending_));
  pending_.clear();
  for (const auto& result : results) on_result_(done_++, result);
}

}  // namespace tl::tools::import
