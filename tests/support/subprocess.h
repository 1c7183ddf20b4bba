// Running the real `ticketledger` binary (or any program) from a test, as a user would.
#pragma once

#include <string>
#include <vector>

namespace tl::testing {

struct CommandOutput {
  int exit_code = -1;  // -1: did not exit normally (signal)
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the program path), feeding `input` on stdin, and waits for it.
CommandOutput RunCommand(const std::vector<std::string>& argv, const std::string& input = "");

// The path of the ticketledger binary under test (set by CMake).
std::string TicketledgerBinary();

}  // namespace tl::testing
