// ServerProcess: the real `ticketledger serve` as a child process on a free loopback port, with
// its own data directory and token file, for tests over real HTTP (and for the dashboard
// page's browser tests). Start() waits until /readyz answers 200; Stop() sends SIGTERM and
// waits (graceful shutdown); Kill() sends SIGKILL (crash tests). The data directory survives a
// stop, so a test can restart the server on the same ledger.
//
// Tokens: one per role, acting as "admin", "agent", "reader", "auditor", "importer",
// "mailgate" (and a second agent "olga", a member of the standard first-line queue).
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace tl::testing {

class ServerProcess {
 public:
  struct Options {
    std::string data_dir;                 // empty: a fresh one in the process's temp dir
    std::vector<std::string> extra_args;  // more `serve` flags
    int threads = 2;
    // Start() waits for /readyz; false: only for /healthz (a server that serves a ledger it
    // found damaged is alive but not ready).
    bool wait_until_ready = true;
  };

  ServerProcess();
  explicit ServerProcess(Options options);
  ~ServerProcess();  // Stop() if running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits (up to 30 s) until /readyz (or /healthz, see Options) answers
  // 200; fails the test if not.
  void Start();
  // SIGTERM, then waits for the exit; returns the exit code (-1 if killed by a signal).
  int Stop();
  // SIGKILL, then reaps the process.
  void Kill();
  bool running() const { return pid_ > 0; }
  // Whether the process is still alive (not exited or crashed).
  bool Alive();

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  // The token of a role: "admin", "agent", "olga", "reader", "auditor", "importer", "mailgate".
  const std::string& token(const std::string& who) const { return tokens_.at(who); }
  // Everything the server wrote on stderr so far (the access log, errors).
  std::string Stderr() const;
  std::string Stdout() const;

 private:
  Options options_;
  TempDir dir_;
  std::string data_dir_;
  std::map<std::string, std::string> tokens_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  int starts_ = 0;
};

// Defines the standard reference data through the API as admin: queues Orakel (first line:
// olga, otto), campus (carl, cora), drift (dina); services Identitet_Feide and Eduroam.
void DefineStandardReferenceOverHttp(uint16_t port, const std::string& admin_token);

}  // namespace tl::testing
