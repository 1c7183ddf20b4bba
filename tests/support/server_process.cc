#include "tests/support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/value.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "server/auth.h"
#include "tests/support/http_client.h"
#include "tests/support/subprocess.h"

namespace tl::testing {

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ServerProcess::ServerProcess() : ServerProcess(Options{}) {}

ServerProcess::ServerProcess(Options options) : options_(std::move(options)) {
  data_dir_ = options_.data_dir.empty() ? dir_.Sub("data") : options_.data_dir;
  std::ofstream tokens(dir_.Sub("tokens"));
  tokens << "# test tokens: <sha256 hex> <role> <actor>\n";
  const std::vector<std::pair<std::string, std::string>> people = {
      {"admin", "admin"},      {"agent", "agent"},     {"olga", "agent"},
      {"reader", "reader"},    {"auditor", "auditor"}, {"importer", "importer"},
      {"mailgate", "mailgate"}};
  for (const auto& [actor, role] : people) {
    auto t = server::GenerateToken();
    REQUIRE(t.ok());
    tokens_[actor] = t->token;
    tokens << t->sha256_hex << ' ' << role << ' ' << actor << '\n';
  }
  // As docs/operations.md asks of a token file: its owner's alone.
  std::filesystem::permissions(
      dir_.Sub("tokens"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

ServerProcess::~ServerProcess() {
  if (running()) Stop();
}

void ServerProcess::Start() {
  REQUIRE(!running());
  const std::string url_file = dir_.Sub("url");
  ::unlink(url_file.c_str());
  ++starts_;
  std::vector<std::string> argv = {TicketledgerBinary(),
                                   "serve",
                                   "--data",
                                   data_dir_,
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--tokens",
                                   dir_.Sub("tokens"),
                                   "--threads",
                                   std::to_string(options_.threads),
                                   "--url-file",
                                   url_file};
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  const std::string out_path = dir_.Sub("stdout"), err_path = dir_.Sub("stderr");
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    // A test process that crashes must not leave its server running.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int null = ::open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (true) {
    INFO("stderr of the server:\n" << Stderr());
    REQUIRE(Alive());
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::string url = ReadFile(url_file);
    if (!url.empty() && url.back() == '\n') {
      port_ = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
      HttpClient client(port_);
      if (client.Get(options_.wait_until_ready ? "/readyz" : "/healthz").status == 200) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool ServerProcess::Alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string ServerProcess::Stderr() const { return ReadFile(dir_.Sub("stderr")); }
std::string ServerProcess::Stdout() const { return ReadFile(dir_.Sub("stdout")); }

void DefineStandardReferenceOverHttp(uint16_t port, const std::string& admin_token) {
  namespace json = boost::json;
  HttpClient admin(port, admin_token);
  auto queue = [&](const std::string& name, json::array members, bool first_line) {
    auto r = admin.Put("/api/v1/queues/" + name,
                       json::object{{"members", members}, {"first_line", first_line}});
    INFO(r.body);
    REQUIRE(r.status == 200);
  };
  queue("Orakel", {"olga", "otto"}, true);
  queue("campus", {"carl", "cora"}, false);
  queue("drift", {"dina"}, false);
  for (auto [name, title] :
       {std::pair{"Identitet_Feide", "Feide identity"}, std::pair{"Eduroam", "eduroam"}}) {
    auto r = admin.Put(std::string("/api/v1/services/") + name, json::object{{"title", title}});
    INFO(r.body);
    REQUIRE(r.status == 200);
  }
}

}  // namespace tl::testing
