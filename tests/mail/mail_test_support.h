// Test helpers of the mail tests: files, a scratch directory and the SMTP sink child process.
// Kept apart from tests/support so that mail_test builds without the ledger's test support
// (which builds the whole ticketledger binary first).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mail/inbound_message.h"

namespace tl::mail::testing {

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& bytes);

// The corpus directory, tests/data/mail.
std::filesystem::path CorpusDir();

// A corpus file's bytes, as an MTA would hand them over.
std::string ReadCorpusFile(const std::string& name);

// Parses a corpus file; fails the test (REQUIRE) if it does not parse.
InboundMessage ParseCorpusFile(const std::string& name);

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// True when /usr/bin/python3 (or $TL_TEST_PYTHON3) can import aiosmtpd (Debian's
// python3-aiosmtpd).
bool HaveAiosmtpd();

// tests/mail/smtp_sink.py running as a child process on a directory of its own. The
// constructor waits (up to a minute: the machine may be loaded, nothing here is a deadline for
// the code under test) until the sink has written its port. The destructor kills and reaps it.
class SmtpSink {
 public:
  explicit SmtpSink(std::vector<std::string> extra_args = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& dir() const { return dir_.path(); }

  // Makes the sink answer the next `count` messages at `stage` ("rcpt" or "data") with `code`.
  void RefuseNext(const std::string& stage, int code, int count);

  struct Received {
    std::string mail_from;
    std::vector<std::string> rcpt_to;
    std::string data;  // the message bytes as received
  };
  // Every message stored so far, in arrival order.
  std::vector<Received> Messages() const;

 private:
  ScratchDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A TCP port on 127.0.0.1 that refuses connections for as long as this object lives: a socket
// bound to it but never listening, so no other process can take the port meanwhile.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A TCP port on 127.0.0.1 that accepts connections (the kernel completes them from the listen
// backlog) and never says a word: an SMTP client waiting for the greeting times out.
class SilentPort {
 public:
  SilentPort();
  ~SilentPort();
  SilentPort(const SilentPort&) = delete;
  SilentPort& operator=(const SilentPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// True when every byte sequence is valid UTF-8 (RFC 3629).
bool IsUtf8(const std::string& s);

}  // namespace tl::mail::testing
