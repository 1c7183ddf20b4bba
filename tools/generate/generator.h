// Generate: writes a synthetic history into a new ledger (the job of `ticketledger generate`).
// Wires the log, the batch writer, the command path and the simulator, then makes the result
// durable and reports what was written.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ledger/domain/types.h"
#include "tools/generate/simulator.h"

namespace tl::tools::generate {

struct GenerateOptions {
  std::string data;        // a new or empty folder
  std::string master_key;  // the master key file (empty: <data>/master.key; docs/privacy.md)
  uint64_t inquiries = 0;  // see SimulationOptions
  uint64_t seed = 1;
  int days = 200;
  ledger::TimeNs end = 0;  // the history covers [end - days, end)
  // Seal the personal fields (docs/privacy.md). false only for the benchmarks' A/B of sealing
  // (bench seal): the same history with its fields stored as they are, and no key store.
  bool seal = true;
};

struct GenerateSummary {
  SimulationTotals totals;
  uint64_t tickets = 0;  // inquiries + change tickets
  uint64_t events = 0;
  ledger::Hash head{};
  double sync_seconds = 0;  // making the finished history durable (part of the run's time)
};

// Fails with kBadField when `data` holds anything already (the generator only writes into an
// empty ledger, so that equal arguments give equal bytes), kUnavailable when the folder or the
// log cannot be written, kInternal for a bug (the ledger refused a generated command).
// `progress` is told how many inquiries have arrived so far.
Result<GenerateSummary> Generate(const GenerateOptions& options,
                                 const std::function<void(uint64_t arrived)>& progress);

// The benchmarks' histories: `inquiries` over the 400 days before 2026-11-02, generated into
// `dir` unless it already holds a ledger (they are kept between runs). `progress` as Generate's.
Status GenerateUnlessPresent(const std::string& dir, uint64_t inquiries, uint64_t seed,
                             const std::function<void(uint64_t arrived)>& progress,
                             bool seal = true);

}  // namespace tl::tools::generate
