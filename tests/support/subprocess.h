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
// The benchmarks' executable, ticketledger-bench (bench/).
std::string BenchBinary();

}  // namespace tl::testing

namespace tl::testing {

// A child process whose stdout the test reads while it runs (stderr is inherited).
// Kills (SIGKILL) and reaps the child on destruction if it still runs.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  // Reads what stdout has now (waits up to timeout_ms for the first bytes); "" at EOF/timeout.
  std::string Read(int timeout_ms);
  // Reads until EOF (after the child exited or was killed).
  std::string ReadToEnd();
  void Signal(int signal);
  // Waits for exit; returns the exit code, or -signal when killed by a signal.
  int Wait();

 private:
  int pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace tl::testing
