#include "tests/mail/mail_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "mail/internal/text.h"

extern char** environ;

namespace tl::mail::testing {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::filesystem::path CorpusDir() { return TL_MAIL_CORPUS_DIR; }

std::string ReadCorpusFile(const std::string& name) { return ReadFile(CorpusDir() / name); }

InboundMessage ParseCorpusFile(const std::string& name) {
  auto parsed = ParseInbound(ReadCorpusFile(name));
  INFO(name << ": " << parsed.status().ToString());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/tl-mail-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

// /usr/bin/python3, or $TL_TEST_PYTHON3 (to try another interpreter, or none: a path that does
// not exist shows what the SMTP tests do without aiosmtpd).
std::string Python() {
  const char* env = std::getenv("TL_TEST_PYTHON3");
  return env != nullptr && *env != '\0' ? env : TL_PYTHON3;
}

}  // namespace

bool HaveAiosmtpd() {
  static const bool have = [] {
    if (access(Python().c_str(), X_OK) != 0) return false;
    std::string cmd = "'";
    cmd += Python();
    cmd += "' -c 'import aiosmtpd' >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }();
  return have;
}

SmtpSink::SmtpSink(std::vector<std::string> extra_args) {
  std::vector<std::string> args = {Python(), TL_SMTP_SINK, dir_.path().string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start the SMTP sink");
  }
  const auto port_file = dir_.path() / "port";
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!std::filesystem::exists(port_file)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the SMTP sink exited before listening");
    }
    if (std::chrono::steady_clock::now() > give_up) {
      throw std::runtime_error("the SMTP sink did not start within a minute");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  port_ = std::stoi(ReadFile(port_file));
}

SmtpSink::~SmtpSink() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

void SmtpSink::RefuseNext(const std::string& stage, int code, int count) {
  // Written to a temporary name and renamed, so that the sink never reads half a rule.
  const auto tmp = dir_.path() / ".control.test";
  WriteFile(tmp, stage + " " + std::to_string(code) + " " + std::to_string(count) + "\n");
  std::filesystem::rename(tmp, dir_.path() / "control");
}

std::vector<SmtpSink::Received> SmtpSink::Messages() const {
  std::vector<Received> out;
  for (int i = 1;; ++i) {
    char stem[16];
    std::snprintf(stem, sizeof stem, "%04d", i);
    const auto eml = dir_.path() / (std::string(stem) + ".eml");
    const auto meta = dir_.path() / (std::string(stem) + ".json");
    if (!std::filesystem::exists(eml) || !std::filesystem::exists(meta)) break;
    Received r;
    r.data = ReadFile(eml);
    const boost::json::object o = boost::json::parse(ReadFile(meta)).as_object();
    r.mail_from = std::string(o.at("mail_from").as_string());
    for (const auto& rcpt : o.at("rcpt_tos").as_array()) {
      r.rcpt_to.emplace_back(rcpt.as_string());
    }
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

// A TCP socket bound to an ephemeral port of 127.0.0.1; returns the fd and sets *port.
int BoundSocket(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("bind failed");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

RefusingPort::RefusingPort() { fd_ = BoundSocket(&port_); }
RefusingPort::~RefusingPort() { close(fd_); }

SilentPort::SilentPort() {
  fd_ = BoundSocket(&port_);
  if (listen(fd_, 16) != 0) throw std::runtime_error("listen failed");
}
SilentPort::~SilentPort() { close(fd_); }

bool IsUtf8(const std::string& s) { return internal::IsValidUtf8(s); }

}  // namespace tl::mail::testing
