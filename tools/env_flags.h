// Every flag of every subcommand may also come from the environment, so that a service manager
// (deploy/systemd/) configures `ticketledger serve` with an environment file instead of a long
// command line (docs/operations.md, "Flags from the environment").
//
// The name is the long flag's, upper-cased, dashes as underscores, after TICKETLEDGER_:
// `--max-time-ahead` is TICKETLEDGER_MAX_TIME_AHEAD. A flag given on the command line wins over
// its variable; an empty variable counts as unset. One variable serves every subcommand that has
// the flag (TICKETLEDGER_DATA is `--data` of serve, verify, log, ...).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace tl::tools {

// "--max-time-ahead" -> "TICKETLEDGER_MAX_TIME_AHEAD".
std::string EnvNameOfFlag(const std::string& long_name);

// Gives every option with a long name, of `app` and of all its subcommands at any depth, its
// environment variable. Call it once, after every subcommand is registered, so none is
// forgotten. --help and --version are left alone.
void SetEnvNames(CLI::App& app);

// For a parse error: the variables that set a flag the error names and that the command line
// did not give, as "NAME=value" lines, so the operator sees where a bad value came from.
std::vector<std::string> EnvSourcesOfError(CLI::App& app, const std::string& error, int argc,
                                           const char* const* argv);

// For a missing required flag: the variables that could have given the flags the error names.
std::vector<std::string> EnvNamesOfMissing(CLI::App& app, const std::string& error);

}  // namespace tl::tools
