// The subcommands of `ticketledger-bench`, one file each, registered as tools/commands.h does
// for `ticketledger`: each measures the ledger against a baseline taken in the same run (raw
// RocksDB, bare Beast) and prints figures for docs/benchmarks.md. A separate executable, so that
// the product neither links nor serves anything that exists only to be measured.
#pragma once

#include <CLI/CLI.hpp>

namespace tl::bench {

void RegisterBenchAppend(CLI::App& app, int* exit_code);
void RegisterBenchAsOf(CLI::App& app, int* exit_code);
void RegisterBenchHttp(CLI::App& app, int* exit_code);
void RegisterBenchReplay(CLI::App& app, int* exit_code);
void RegisterBenchProjections(CLI::App& app, int* exit_code);
void RegisterBenchProofs(CLI::App& app, int* exit_code);
void RegisterBenchStuckReaders(CLI::App& app, int* exit_code);
void RegisterBenchSeal(CLI::App& app, int* exit_code);
void RegisterBenchErasure(CLI::App& app, int* exit_code);

}  // namespace tl::bench
