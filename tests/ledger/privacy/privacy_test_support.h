// Helpers for tl::privacy's tests and bench: a temporary directory, the bytes of every file under
// a directory, encodings to search those bytes for, and child processes. Test-only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tl::privacy::testing {

// A fresh directory under $TMPDIR, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Every regular file under `dir`, recursively: path relative to `dir` -> its bytes.
std::map<std::string, std::string> ReadAllFiles(const std::string& dir);

// RocksDB's table files as its `sst_dump` tool (rocksdb-tools) reads them, for a scan that must
// also see what compression hides (a zstd table's literals are Huffman-coded). Each runs on a
// copy of the file under `scratch` (created if missing), so the database's own files are only
// read; throws std::runtime_error when sst_dump fails.
//
// Every entry of the table decompressed, hidden versions included, keys and values in
// lower-case hex (search it for Hex(bytes)).
std::string DumpTable(const std::string& sst_dump, const std::string& table,
                      const std::string& scratch);
// The column family the table belongs to ("events", "checkpoints", ...), "" if not said.
std::string TableFamily(const std::string& sst_dump, const std::string& table,
                        const std::string& scratch);
// DumpTable of every `.sst` file directly in `dir`, concatenated; "" when `sst_dump` is "".
std::string DecompressedTables(const std::string& sst_dump, const std::string& dir,
                               const std::string& scratch);

// What a file looks like from outside, to tell that nothing under a directory changed.
struct FileState {
  std::string content;
  uintmax_t size = 0;
  int64_t mtime_ns = 0;
  unsigned mode = 0;
  bool operator==(const FileState&) const = default;
};
// Every entry under `dir`, recursively (directories too, with empty content).
std::map<std::string, FileState> Snapshot(const std::string& dir);

std::string_view AsChars(std::span<const uint8_t> bytes);
std::string Hex(std::string_view bytes, bool upper = false);
std::string Base64(std::string_view bytes, bool url_safe = false);

// A 16-byte BLAKE2b digest of `bytes` in hex: how the crash helper reports a key without
// printing it.
std::string DigestHex(std::string_view bytes);

// Runs `argv` to completion and returns its exit code (-signal if killed) and its stdout.
struct ProcessResult {
  int exit_code = -1;
  std::string out;
};
ProcessResult RunProcess(const std::vector<std::string>& argv);

// A running child whose stdout is read line by line. SIGKILLs and reaps it on destruction.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // The next line of stdout without its '\n'; false at end of output.
  bool ReadLine(std::string* line);
  void Kill();
  // Waits for exit: the exit code, or -signal when killed.
  int Wait();

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace tl::privacy::testing
