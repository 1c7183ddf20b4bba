// ticketledger token --role R --actor A
//
// Prints a fresh random token (give it to the client) and the line to add to the server's
// token file (only the token's SHA-256 is stored there). Exit 2 on a bad role or actor.
#include <fmt/format.h>

#include "server/auth.h"
#include "tools/commands.h"

namespace tl::tools {

void RegisterToken(CLI::App& app, int* exit_code) {
  struct Args {
    std::string role;
    std::string actor;
    bool line_only = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("token", "Make a new API token and its token-file line");
  cmd->add_option("--role", args->role, "reader, agent, auditor, importer or admin")->required();
  cmd->add_option("--actor", args->actor, "Who the token acts as (recorded on every event)")
      ->required();
  cmd->add_flag("--quiet", args->line_only,
                "Print only two lines: the token, then the token-file line");
  cmd->callback([args, exit_code] {
    if (!server::ParseRole(args->role)) {
      fmt::print(stderr, "error: unknown role '{}' (reader, agent, auditor, importer, admin)\n",
                 args->role);
      *exit_code = 2;
      return;
    }
    if (args->actor.empty() || args->actor.find_first_of(" \t\r\n#") != std::string::npos) {
      fmt::print(stderr, "error: the actor must be one word without '#'\n");
      *exit_code = 2;
      return;
    }
    auto token = server::GenerateToken();
    if (!token.ok()) {
      fmt::print(stderr, "error: {}\n", token.status().ToString());
      *exit_code = 2;
      return;
    }
    const std::string line = fmt::format("{} {} {}", token->sha256_hex, args->role, args->actor);
    if (args->line_only) {
      fmt::print("{}\n{}\n", token->token, line);
    } else {
      fmt::print("token: {}\n", token->token);
      fmt::print("add this line to the token file:\n{}\n", line);
    }
    *exit_code = 0;
  });
}

}  // namespace tl::tools
