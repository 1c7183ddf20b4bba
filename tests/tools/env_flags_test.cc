// Every flag from the environment (docs/operations.md, "Flags from the environment"), through
// the real binary: `serve` configured by variables alone answers on loopback, the command line
// wins over a variable, a bad value names the variable it came from, and no subcommand's flag
// is left without its variable.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/http_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

using namespace tl::testing;

namespace {

// An empty token file: the server starts (with a warning) and answers /healthz, which needs no
// token.
std::string EmptyTokenFile(const TempDir& dir) {
  const std::string path = dir.Sub("tokens");
  std::ofstream(path) << "# no tokens\n";
  return path;
}

// Reads the child's stdout until "listening on http://HOST:PORT" and returns PORT (0 if the
// child ended first).
uint16_t ListeningPort(ChildProcess& child) {
  std::string out;
  const std::regex listening(R"(listening on http://[^\s]+:(\d+)\n)");
  for (int i = 0; i < 600; ++i) {
    const std::string more = child.Read(100);
    out += more;
    std::smatch m;
    if (std::regex_search(out, m, listening)) return static_cast<uint16_t>(std::stoi(m[1]));
  }
  return 0;
}

// The subcommands a --help text lists ("Subcommands:" then "  name   description" lines).
std::vector<std::string> Subcommands(const std::string& help) {
  std::vector<std::string> names;
  const size_t start = help.find("Subcommands:");
  if (start == std::string::npos) return names;
  std::istringstream lines(help.substr(start));
  std::string line;
  std::getline(lines, line);
  const std::regex entry(R"(^  ([a-z][a-z-]*)\b.*)");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, entry)) names.push_back(m[1]);
  }
  return names;
}

// "max-time-ahead" -> "TICKETLEDGER_MAX_TIME_AHEAD", as docs/operations.md says.
std::string VariableOf(std::string flag) {
  for (char& c : flag) c = c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return "TICKETLEDGER_" + flag;
}

// Checks every "--flag" line of `command --help`, then of its subcommands; returns the number
// of flags checked.
int CheckHelp(std::vector<std::string> command) {
  std::vector<std::string> argv = {TicketledgerBinary()};
  argv.insert(argv.end(), command.begin(), command.end());
  argv.push_back("--help");
  const CommandOutput help = RunCommand(argv);
  REQUIRE(help.exit_code == 0);
  int checked = 0;
  std::istringstream lines(help.out);
  std::string line;
  const std::regex option(R"(^\s+(?:-\w,\s*)?--([a-z][a-z0-9-]*)\b.*)");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, option)) continue;
    const std::string flag = m[1];
    if (flag == "help" || flag == "help-all" || flag == "version") continue;
    INFO("ticketledger " << Catch::Detail::stringify(command) << " --help: " << line);
    CHECK_THAT(line, Catch::Contains("(Env:" + VariableOf(flag) + ")"));
    ++checked;
  }
  for (const std::string& sub : Subcommands(help.out)) {
    std::vector<std::string> deeper = command;
    deeper.push_back(sub);
    checked += CheckHelp(deeper);
  }
  return checked;
}

}  // namespace

TEST_CASE("serve takes its settings from TICKETLEDGER_ variables alone", "[tools][env][loopback]") {
  TempDir dir;
  const std::string url_file = dir.Sub("url");
  ChildProcess server({"/usr/bin/env", "TICKETLEDGER_DATA=" + dir.Sub("data"),
                       "TICKETLEDGER_TOKENS=" + EmptyTokenFile(dir),
                       "TICKETLEDGER_LISTEN=127.0.0.1:0", "TICKETLEDGER_THREADS=2",
                       "TICKETLEDGER_URL_FILE=" + url_file, "TICKETLEDGER_NO_PAGE=true",
                       TicketledgerBinary(), "serve"});
  const uint16_t port = ListeningPort(server);
  REQUIRE(port != 0);
  HttpClient client(port);
  CHECK(client.Get("/healthz").status == 200);
  // A flag without a value, from its variable: no dashboard page at /.
  CHECK(client.Get("/").status == 404);
  std::ifstream url(url_file);
  std::string written;
  std::getline(url, written);
  CHECK(written == "http://127.0.0.1:" + std::to_string(port));
  server.Signal(SIGTERM);
  CHECK(server.Wait() == 0);
}

TEST_CASE("a flag on the command line wins over its variable", "[tools][env][loopback]") {
  TempDir dir;
  const std::string tokens = EmptyTokenFile(dir);
  // Either variable would keep the server from starting (a data directory that is a file): the
  // command line must override them.
  ChildProcess server({"/usr/bin/env", "TICKETLEDGER_LISTEN=not-an-address",
                       "TICKETLEDGER_DATA=" + tokens, TicketledgerBinary(), "serve", "--data",
                       dir.Sub("data"), "--tokens", tokens, "--listen", "127.0.0.1:0", "--threads",
                       "2"});
  const uint16_t port = ListeningPort(server);
  REQUIRE(port != 0);
  HttpClient client(port);
  CHECK(client.Get("/healthz").status == 200);
  server.Signal(SIGTERM);
  CHECK(server.Wait() == 0);
  CHECK(std::filesystem::exists(dir.Sub("data")));
}

TEST_CASE("a bad value in a variable is refused and the variable named", "[tools][env]") {
  TempDir dir;
  const CommandOutput run =
      RunCommand({"/usr/bin/env", "TICKETLEDGER_THREADS=many", TicketledgerBinary(), "serve",
                  "--data", dir.Sub("data"), "--tokens", EmptyTokenFile(dir)});
  INFO(run.err);
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("--threads"));
  CHECK_THAT(run.err, Catch::Contains("(from the environment: TICKETLEDGER_THREADS=many)"));
  CHECK_FALSE(std::filesystem::exists(dir.Sub("data")));  // refused before anything is opened

  // Given on the command line too, the bad value is the command line's: no variable is blamed.
  const CommandOutput flag =
      RunCommand({"/usr/bin/env", "TICKETLEDGER_THREADS=many", TicketledgerBinary(), "serve",
                  "--data", dir.Sub("data"), "--tokens", EmptyTokenFile(dir), "--threads", "lots"});
  CHECK(flag.exit_code == 2);
  CHECK_THAT(flag.err, !Catch::Contains("from the environment"));
}

TEST_CASE("a required flag may come from its variable, and its absence names both",
          "[tools][env]") {
  TempDir dir;
  const CommandOutput missing = RunCommand({TicketledgerBinary(), "verify"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("--data"));
  CHECK_THAT(missing.err, Catch::Contains("TICKETLEDGER_DATA"));

  const CommandOutput from_env = RunCommand(
      {"/usr/bin/env", "TICKETLEDGER_DATA=" + dir.Sub("nothing"), TicketledgerBinary(), "verify"});
  CHECK(from_env.exit_code == 2);
  CHECK_THAT(from_env.err, Catch::Contains("no ledger"));  // verify ran, on the variable's folder
}

TEST_CASE("every flag of every subcommand names its variable in --help", "[tools][env]") {
  // Subcommands are found from the help texts, so a new one is checked without a change here.
  CHECK(CheckHelp({}) > 50);
}
