// ticketledger: one command for the ledger's jobs (serve, verify, replay, export, import, ...).
// Usage: ticketledger <subcommand> --help
#include <cstdio>

#include "tools/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"ticketledger: an audit-grade, hash-chained service-desk ticket ledger"};
  app.set_version_flag("--version", "ticketledger " TL_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  tl::tools::RegisterServe(app, &exit_code);
  tl::tools::RegisterVerify(app, &exit_code);
  tl::tools::RegisterLog(app, &exit_code);
  tl::tools::RegisterReplay(app, &exit_code);
  tl::tools::RegisterExport(app, &exit_code);
  tl::tools::RegisterImport(app, &exit_code);
  tl::tools::RegisterGenerate(app, &exit_code);
  tl::tools::RegisterToken(app, &exit_code);
  tl::tools::RegisterKey(app, &exit_code);
  tl::tools::RegisterProve(app, &exit_code);
  tl::tools::RegisterAudit(app, &exit_code);
  tl::tools::RegisterBackup(app, &exit_code);
  tl::tools::RegisterRestore(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // CLI11: 0 for --help and --version
  }
  return exit_code;
}
