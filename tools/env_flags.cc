#include "tools/env_flags.h"

#include <cctype>
#include <cstdlib>
#include <string_view>

namespace tl::tools {
namespace {

constexpr std::string_view kPrefix = "TICKETLEDGER_";

// Calls `visit(option)` for every option of `app` and its subcommands, depth first.
template <typename Visit>
void ForEachOption(CLI::App& app, const Visit& visit) {
  for (CLI::Option* option : app.get_options()) visit(*option);
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    ForEachOption(*sub, visit);
  }
}

// Every App has its own --help; they and --version answer at once and take no value.
bool IsHelpOrVersion(const CLI::Option& option) {
  return option.check_lname("help") || option.check_lname("help-all") ||
         option.check_lname("version");
}

// Whether argv gives the flag itself ("--name" or "--name=value").
bool OnCommandLine(const std::string& long_name, int argc, const char* const* argv) {
  const std::string flag = "--" + long_name;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == flag || arg.starts_with(flag + "=")) return true;
  }
  return false;
}

// Whether an error message names the flag "--long_name" (not merely a longer one it begins).
bool NamesFlag(const std::string& error, const std::string& long_name) {
  const std::string flag = "--" + long_name;
  for (size_t at = error.find(flag); at != std::string::npos; at = error.find(flag, at + 1)) {
    const size_t end = at + flag.size();
    if (end == error.size() || !(std::isalnum(static_cast<unsigned char>(error[end])) ||
                                 error[end] == '-' || error[end] == '_')) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string EnvNameOfFlag(const std::string& long_name) {
  std::string name(kPrefix);
  for (char c : long_name) {
    if (c == '-' && name.size() == kPrefix.size()) continue;  // the leading "--"
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

void SetEnvNames(CLI::App& app) {
  ForEachOption(app, [](CLI::Option& option) {
    if (option.get_lnames().empty() || IsHelpOrVersion(option)) return;
    option.envname(EnvNameOfFlag(option.get_lnames().front()));
  });
}

std::vector<std::string> EnvSourcesOfError(CLI::App& app, const std::string& error, int argc,
                                           const char* const* argv) {
  std::vector<std::string> sources;
  ForEachOption(app, [&](CLI::Option& option) {
    const std::string env = option.get_envname();
    if (env.empty() || option.get_lnames().empty()) return;
    const std::string& long_name = option.get_lnames().front();
    const char* value = std::getenv(env.c_str());
    if (value == nullptr || *value == '\0') return;
    if (!NamesFlag(error, long_name)) return;
    if (OnCommandLine(long_name, argc, argv)) return;
    const std::string line = env + "=" + value;
    for (const std::string& seen : sources) {
      if (seen == line) return;  // one variable serves several subcommands' flags
    }
    sources.push_back(line);
  });
  return sources;
}

std::vector<std::string> EnvNamesOfMissing(CLI::App& app, const std::string& error) {
  std::vector<std::string> names;
  ForEachOption(app, [&](CLI::Option& option) {
    const std::string env = option.get_envname();
    if (env.empty() || !NamesFlag(error, option.get_lnames().front())) return;
    for (const std::string& seen : names) {
      if (seen == env) return;
    }
    names.push_back(env);
  });
  return names;
}

}  // namespace tl::tools
