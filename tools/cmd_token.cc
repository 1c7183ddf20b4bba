// Placeholder until its issue lands; replaced by the real subcommand.
#include <fmt/format.h>

#include "tools/commands.h"

namespace tl::tools {

void RegisterToken(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("token", "(not built yet)");
  cmd->callback([exit_code] {
    fmt::print(stderr, "not built yet\n");
    *exit_code = 2;
  });
}

}  // namespace tl::tools
