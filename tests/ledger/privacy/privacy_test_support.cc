#include "tests/ledger/privacy/privacy_test_support.h"

#include <signal.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace tl::privacy::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tl-privacy-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

std::map<std::string, std::string> ReadAllFiles(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    files[std::filesystem::relative(entry.path(), dir).string()] = ReadFile(entry.path());
  }
  return files;
}

namespace {

// A copy of `table` under `scratch`, for sst_dump to open (it may write beside the file).
std::string CopyForDump(const std::string& table, const std::string& scratch) {
  std::filesystem::create_directories(scratch);
  const std::filesystem::path copy =
      std::filesystem::path(scratch) / std::filesystem::path(table).filename();
  std::filesystem::copy_file(table, copy, std::filesystem::copy_options::overwrite_existing);
  return copy.string();
}

std::string RunDump(const std::vector<std::string>& argv) {
  ProcessResult dumped = RunProcess(argv);
  if (dumped.exit_code != 0) {
    throw std::runtime_error(argv[0] + " " + argv[1] + " failed: " + dumped.out);
  }
  return dumped.out;
}

}  // namespace

std::string DumpTable(const std::string& sst_dump, const std::string& table,
                      const std::string& scratch) {
  std::string out = RunDump(
      {sst_dump, "--file=" + CopyForDump(table, scratch), "--command=scan", "--output_hex"});
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string TableFamily(const std::string& sst_dump, const std::string& table,
                        const std::string& scratch) {
  const std::string out =
      RunDump({sst_dump, "--file=" + CopyForDump(table, scratch), "--show_properties"});
  static constexpr std::string_view kLabel = "column family name: ";
  const size_t at = out.find(kLabel);
  if (at == std::string::npos) return "";
  const size_t from = at + kLabel.size();
  return out.substr(from, out.find('\n', from) - from);
}

std::string DecompressedTables(const std::string& sst_dump, const std::string& dir,
                               const std::string& scratch) {
  if (sst_dump.empty()) return "";
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".sst") continue;
    all += DumpTable(sst_dump, entry.path().string(), scratch);
  }
  return all;
}

std::map<std::string, FileState> Snapshot(const std::string& dir) {
  std::map<std::string, FileState> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    struct stat st {};
    if (::lstat(entry.path().c_str(), &st) != 0) throw std::runtime_error("lstat failed");
    FileState state;
    state.size = entry.is_regular_file() ? static_cast<uintmax_t>(st.st_size) : 0;
    state.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    state.mode = st.st_mode;
    if (entry.is_regular_file()) state.content = ReadFile(entry.path());
    files[std::filesystem::relative(entry.path(), dir).string()] = std::move(state);
  }
  return files;
}

std::string_view AsChars(std::span<const uint8_t> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::string Hex(std::string_view bytes, bool upper) {
  static constexpr char kLower[] = "0123456789abcdef";
  static constexpr char kUpper[] = "0123456789ABCDEF";
  const char* digits = upper ? kUpper : kLower;
  std::string hex;
  for (unsigned char c : bytes) {
    hex.push_back(digits[c >> 4]);
    hex.push_back(digits[c & 0xf]);
  }
  return hex;
}

std::string Base64(std::string_view bytes, bool url_safe) {
  const int variant = url_safe ? sodium_base64_VARIANT_URLSAFE : sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string DigestHex(std::string_view bytes) {
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return Hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

namespace {

// fork + exec with stdout on a pipe; only async-signal-safe calls between the two.
pid_t Spawn(const std::vector<std::string>& argv, int* out_fd) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  *out_fd = pipe_fds[0];
  return pid;
}

int DecodeWait(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv) {
  Child child(argv);
  ProcessResult result;
  std::string line;
  while (child.ReadLine(&line)) result.out += line + "\n";
  result.exit_code = child.Wait();
  return result;
}

Child::Child(const std::vector<std::string>& argv) { pid_ = Spawn(argv, &out_); }

Child::~Child() {
  if (!reaped_) {
    Kill();
    Wait();
  }
  if (out_ >= 0) ::close(out_);
}

bool Child::ReadLine(std::string* line) {
  for (;;) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      *line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return true;
    }
    char chunk[4096];
    ssize_t n = ::read(out_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (buffer_.empty()) return false;
      *line = std::move(buffer_);
      buffer_.clear();
      return true;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

void Child::Kill() {
  if (!reaped_) ::kill(pid_, SIGKILL);
}

int Child::Wait() {
  if (!reaped_) {
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  return DecodeWait(status_);
}

}  // namespace tl::privacy::testing
