// The baselines the benchmarks are measured against: plain RocksDB sync Puts, with RocksDB's
// default options and its own write grouping, in a fresh database (bench append); a plain
// RocksDB scan of a ledger's events with a Cap'n Proto decode of each (bench replay).
// Benchmarks only; this and rocks_store.cc are the only files that see RocksDB.
#pragma once

#include <string>
#include <vector>

#include "ledger/domain/result.h"

namespace tl::ledger {

struct RawPutResult {
  uint64_t ops = 0;
  double seconds = 0;
  std::vector<double> latencies_us;  // one per Put
};

// `threads` threads each Put(sync) `value_bytes`-byte values under distinct keys for `seconds`.
Result<RawPutResult> RunRawSyncPuts(const std::string& dir, int threads, double seconds,
                                    size_t value_bytes);

struct RawScanResult {
  uint64_t events = 0;
  uint64_t bytes = 0;
  double seconds = 0;
  uint64_t checksum = 0;  // folds fields of every event, so the decode cannot be optimised away
};

// Opens the ledger in `dir` read-only with plain RocksDB, iterates its events column family in
// key order and reads every event with Cap'n Proto (copied to aligned words, as any reader of
// RocksDB values must; envelope fields, text sizes, the payload's kind): what any replay costs
// at the least, with no hash, no validation and no projection.
Result<RawScanResult> RunRawScanDecode(const std::string& dir);

}  // namespace tl::ledger
