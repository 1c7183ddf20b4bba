// The ticketledger binary re-runs itself with glibc's malloc tunables (tools/malloc_tuning.h),
// and leaves a GLIBC_TUNABLES of the user's alone. Observed from outside, on a running server:
// /proc/PID/environ shows the environment its program image started with.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "tests/server/api_support.h"

using namespace tl::testing;

namespace {

// GLIBC_TUNABLES in the start-up environment of process `pid`, if set.
std::optional<std::string> TunablesOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string entry;
  while (std::getline(in, entry, '\0')) {
    if (entry.starts_with("GLIBC_TUNABLES=")) return entry.substr(15);
  }
  return std::nullopt;
}

// The tunables a server started with `tunables` in its environment (nullopt: unset) runs with.
std::optional<std::string> ServerTunables(const std::optional<std::string>& tunables) {
  const char* own = std::getenv("GLIBC_TUNABLES");
  const std::optional<std::string> saved = own ? std::optional<std::string>(own) : std::nullopt;
  auto set = [](const std::optional<std::string>& value) {
    if (value) {
      setenv("GLIBC_TUNABLES", value->c_str(), 1);
    } else {
      unsetenv("GLIBC_TUNABLES");
    }
  };
  set(tunables);
  ServerProcess server;
  server.Start();  // answers /readyz: past any re-exec
  set(saved);
  std::optional<std::string> seen = TunablesOf(server.pid());
  CHECK(server.Stop() == 0);
  return seen;
}

}  // namespace

TEST_CASE("ticketledger runs with malloc on huge pages unless told otherwise", "[server][cli]") {
  const std::optional<std::string> own = ServerTunables(std::nullopt);
  REQUIRE(own.has_value());
  CHECK_THAT(*own, Catch::Contains("glibc.malloc.hugetlb=1"));
  CHECK(ServerTunables("glibc.malloc.check=0") == "glibc.malloc.check=0");
}
