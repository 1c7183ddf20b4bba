// ticketledger-bench: the benchmarks of docs/benchmarks.md. Usage: ticketledger-bench <name> --help
#include "bench/bench_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"ticketledger-bench: the ledger measured against raw RocksDB and bare Beast"};
  app.require_subcommand(1);
  int exit_code = 0;
  tl::bench::RegisterBenchAppend(app, &exit_code);
  tl::bench::RegisterBenchAsOf(app, &exit_code);
  tl::bench::RegisterBenchHttp(app, &exit_code);
  tl::bench::RegisterBenchReplay(app, &exit_code);
  tl::bench::RegisterBenchProjections(app, &exit_code);
  tl::bench::RegisterBenchProofs(app, &exit_code);
  tl::bench::RegisterBenchStuckReaders(app, &exit_code);
  tl::bench::RegisterBenchSeal(app, &exit_code);
  tl::bench::RegisterBenchErasure(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
