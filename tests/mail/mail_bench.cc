// mail_bench: how fast ParseInbound (and the intake classification after it) reads the corpus'
// typical-size messages. The whole intake path (parse, classify, append to the ledger, send
// the acknowledgement) must manage 200 messages/s; parsing should be a small part of that.
//
// Usage: mail_bench [--dir DIR] [--seconds S] [--max-kib K]
//   --dir      the .eml files to read (default: tests/data/mail)
//   --seconds  how long to run each measurement (default 3)
//   --max-kib  leave out larger messages (default 64: "typical size")
// Prints one line per measurement: messages/s, MB/s. Single-threaded. Exit 1 on bad usage or
// when a message does not parse.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mail/inbound_message.h"
#include "mail/intake_rules.h"

namespace {

int Usage() {
  std::fprintf(stderr, "usage: mail_bench [--dir DIR] [--seconds S] [--max-kib K]\n");
  return 1;
}

struct Result {
  double seconds = 0;
  uint64_t messages = 0;
  uint64_t bytes = 0;
};

template <typename Step>
Result Measure(const std::vector<std::string>& corpus, double seconds, Step&& step) {
  using Clock = std::chrono::steady_clock;
  Result r;
  const auto start = Clock::now();
  const auto stop = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < stop) {
    for (const std::string& raw : corpus) {
      if (!step(raw)) std::exit(1);
      ++r.messages;
      r.bytes += raw.size();
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

void Print(const char* what, const Result& r) {
  std::printf("%-22s %8.0f msg/s  %7.1f MB/s  (%llu messages in %.2f s)\n", what,
              r.messages / r.seconds, r.bytes / r.seconds / 1e6,
              static_cast<unsigned long long>(r.messages), r.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = TL_MAIL_CORPUS_DIR;
  double seconds = 3;
  size_t max_bytes = 64 * 1024;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return Usage();
    const char* value = argv[++i];
    char* end = nullptr;
    if (arg == "--dir") {
      dir = value;
    } else if (arg == "--seconds") {
      seconds = std::strtod(value, &end);
      if (*end != '\0' || seconds <= 0) return Usage();
    } else if (arg == "--max-kib") {
      max_bytes = std::strtoull(value, &end, 10) * 1024;
      if (*end != '\0' || max_bytes == 0) return Usage();
    } else {
      return Usage();
    }
  }

  std::vector<std::string> corpus;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".eml" || entry.file_size() > max_bytes) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    corpus.push_back(s.str());
  }
  if (ec || corpus.empty()) {
    std::fprintf(stderr, "mail_bench: no .eml files of at most %zu KiB in %s\n", max_bytes / 1024,
                 dir.c_str());
    return 1;
  }
  uint64_t total = 0;
  for (const std::string& raw : corpus) total += raw.size();
  std::printf("%zu messages of at most %zu KiB, %.1f KiB on average, from %s\n", corpus.size(),
              max_bytes / 1024, total / 1024.0 / corpus.size(), dir.c_str());

  const tl::mail::IntakeConfig desk{"Orakel", {"orakel@desk.example.org"}, "desk.example.org"};
  const tl::mail::SentMessageLookup sent = [](std::string_view) { return std::nullopt; };
  auto parse = [](const std::string& raw) {
    auto m = tl::mail::ParseInbound(raw);
    if (!m.ok()) std::fprintf(stderr, "mail_bench: %s\n", m.status().ToString().c_str());
    return m.ok();
  };
  auto parse_and_classify = [&](const std::string& raw) {
    auto m = tl::mail::ParseInbound(raw);
    if (!m.ok()) return false;
    const auto d = tl::mail::ClassifyIntake(*m, desk, sent);
    return d.kind != tl::mail::IntakeKind::kIgnore || !d.detail.empty();
  };
  Measure(corpus, std::min(seconds, 0.2), parse);  // warm up: GMime's tables, iconv modules
  Print("parse", Measure(corpus, seconds, parse));
  Print("parse + classify", Measure(corpus, seconds, parse_and_classify));
  return 0;
}
