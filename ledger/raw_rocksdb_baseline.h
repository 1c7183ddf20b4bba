// The baseline the append benchmark is measured against: plain RocksDB sync Puts, with
// RocksDB's default options and its own write grouping, in a fresh database. Benchmarks only;
// this and rocks_store.cc are the only files that see RocksDB.
#pragma once

#include <string>
#include <vector>

#include "ledger/result.h"

namespace tl::ledger {

struct RawPutResult {
  uint64_t ops = 0;
  double seconds = 0;
  std::vector<double> latencies_us;  // one per Put
};

// `threads` threads each Put(sync) `value_bytes`-byte values under distinct keys for `seconds`.
Result<RawPutResult> RunRawSyncPuts(const std::string& dir, int threads, double seconds,
                                    size_t value_bytes);

}  // namespace tl::ledger
