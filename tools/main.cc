// ticketledger: one command for the ledger's jobs (serve, verify, replay, export, import, ...).
// Usage: ticketledger <subcommand> --help
#include <cstdio>

#include "tools/commands.h"
#include "tools/env_flags.h"

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
  tl::tools::RegisterMailgate(app, &exit_code);
  tl::tools::RegisterErase(app, &exit_code);
  tl::tools::RegisterKeys(app, &exit_code);
  tl::tools::SetEnvNames(app);  // after every Register: no flag is left without its variable
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // CLI11: 0 for --help and --version
    if (code == 0) return 0;
    // A bad value from an environment file is otherwise hard to find: say where it came from.
    for (const std::string& source : tl::tools::EnvSourcesOfError(app, e.what(), argc, argv)) {
      std::fprintf(stderr, "(from the environment: %s)\n", source.c_str());
    }
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
      for (const std::string& name : tl::tools::EnvNamesOfMissing(app, e.what())) {
        std::fprintf(stderr, "(or set %s in the environment)\n", name.c_str());
      }
    }
    return 2;
  }
  return exit_code;
}
