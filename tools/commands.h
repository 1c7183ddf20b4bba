// The subcommands of `ticketledger`, one file each. Each Register function adds its subcommand
// (with --help) to the app; the callback runs it and sets the process's exit code through
// `*exit_code` (0 ok, 1 the check failed / the data is bad, 2 usage or environment error).
#pragma once

#include <CLI/CLI.hpp>

namespace tl::tools {

void RegisterVerify(CLI::App& app, int* exit_code);
void RegisterLog(CLI::App& app, int* exit_code);
void RegisterReplay(CLI::App& app, int* exit_code);
void RegisterExport(CLI::App& app, int* exit_code);
void RegisterGenerate(CLI::App& app, int* exit_code);
void RegisterImport(CLI::App& app, int* exit_code);
void RegisterServe(CLI::App& app, int* exit_code);
void RegisterToken(CLI::App& app, int* exit_code);
void RegisterKey(CLI::App& app, int* exit_code);
void RegisterProve(CLI::App& app, int* exit_code);
void RegisterAudit(CLI::App& app, int* exit_code);
void RegisterBackup(CLI::App& app, int* exit_code);
void RegisterRestore(CLI::App& app, int* exit_code);
void RegisterMailgate(CLI::App& app, int* exit_code);
void RegisterErase(CLI::App& app, int* exit_code);
void RegisterKeys(CLI::App& app, int* exit_code);

}  // namespace tl::tools
