// The file system that writes WAL files ahead of the log (ledger/wal_file_system.h), through
// RocksDB's FileSystem interface on a real directory.
#include "ledger/store/wal_file_system.h"

#include <fcntl.h>
#include <rocksdb/file_system.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "tests/support/temp_dir.h"

using tl::ledger::IsWalFileName;
using tl::ledger::NewPrewrittenWalFileSystem;
using tl::ledger::WalWrites;
using tl::testing::TempDir;

namespace {

constexpr uint64_t kMiB = 1u << 20;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::unique_ptr<rocksdb::FSWritableFile> Create(rocksdb::FileSystem& fs, const std::string& path) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  REQUIRE(fs.NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr).ok());
  REQUIRE(file);
  return file;
}

// Appends `text` repeated until `bytes` were appended; returns what was appended.
std::string AppendRepeated(rocksdb::FSWritableFile& file, const std::string& text, size_t bytes) {
  std::string appended;
  while (appended.size() < bytes) {
    REQUIRE(file.Append(text, rocksdb::IOOptions(), nullptr).ok());
    appended += text;
  }
  return appended;
}

// Up to `n` bytes of the file from its start.
std::string ReadPrefix(const std::string& path, size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(n, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(n));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

// Whether files in `dir` can be opened for direct I/O (tmpfs cannot).
bool SupportsDirectIo(const std::string& dir) {
  const std::string probe = dir + "/direct-probe";
  const int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0644);
  if (fd >= 0) close(fd);
  std::filesystem::remove(probe);
  return fd >= 0;
}

// Whether `on_disk` is `log` followed by nothing but zeros.
bool IsLogThenZeros(const std::string& on_disk, const std::string& log) {
  return on_disk.compare(0, log.size(), log) == 0 &&
         on_disk.find_first_not_of('\0', log.size()) == std::string::npos;
}

// A WAL file named `name` in `dir`, created through the file system under test.
struct WalFile {
  WalFile(const TempDir& dir, WalWrites writes, const std::string& name)
      : fs(NewPrewrittenWalFileSystem(rocksdb::FileSystem::Default(), writes)),
        path(dir.str() + "/" + name),
        file(Create(*fs, path)) {}
  std::shared_ptr<rocksdb::FileSystem> fs;
  std::string path;
  std::unique_ptr<rocksdb::FSWritableFile> file;
};

void Sync(rocksdb::FSWritableFile& file) { REQUIRE(file.Sync(rocksdb::IOOptions(), nullptr).ok()); }

}  // namespace

TEST_CASE("WAL file names are the digits-dot-log ones", "[log][wal]") {
  CHECK(IsWalFileName("/data/ledger/000123.log"));
  CHECK(IsWalFileName("000004.log"));
  CHECK_FALSE(IsWalFileName("/data/ledger/LOG"));
  CHECK_FALSE(IsWalFileName("/data/ledger/LOG.old.1669"));
  CHECK_FALSE(IsWalFileName("/data/ledger/000123.sst"));
  CHECK_FALSE(IsWalFileName("/data/ledger/MANIFEST-000005"));
  CHECK_FALSE(IsWalFileName("/data/ledger/.log"));
  CHECK_FALSE(IsWalFileName("/data/ledger/00a123.log"));
  CHECK_FALSE(IsWalFileName("/data/000123.log/OPTIONS-000007"));
}

TEST_CASE("a WAL file is written with zeros ahead of the log and cut back when closed",
          "[log][wal]") {
  const WalWrites writes = GENERATE(WalWrites::kDirect, WalWrites::kCached);
  INFO((writes == WalWrites::kDirect ? "direct" : "cached") << " writes");
  TempDir dir;
  WalFile wal(dir, writes, "000042.log");
  const std::string& path = wal.path;
  auto& file = wal.file;
  CHECK(std::filesystem::file_size(path) == 0);

  std::string log = AppendRepeated(*file, "record;", 1000);
  Sync(*file);
  CHECK(file->GetFileSize(rocksdb::IOOptions(), nullptr) == log.size());
  // On disk: the log, then zeros up to a multiple of 4 MiB at least 4 MiB past it.
  std::string on_disk = ReadAll(path);
  CHECK(on_disk.size() == 8 * kMiB);
  CHECK(IsLogThenZeros(on_disk, log));

  // Within the zeros the file keeps its size; past them it grows again, and the log's bytes
  // stay contiguous.
  log += AppendRepeated(*file, std::string(64 * 1024, 'x'), 4 * kMiB);
  CHECK(std::filesystem::file_size(path) == 8 * kMiB);
  log += AppendRepeated(*file, std::string(64 * 1024, 'y'), 4 * kMiB);
  CHECK(file->GetFileSize(rocksdb::IOOptions(), nullptr) == log.size());
  Sync(*file);
  on_disk = ReadAll(path);
  CHECK(on_disk.size() == 16 * kMiB);  // a little over 8 MiB of log: zeros up to 16 MiB
  CHECK(IsLogThenZeros(on_disk, log));

  REQUIRE(file->Close(rocksdb::IOOptions(), nullptr).ok());
  CHECK(ReadAll(path) == log);
}

TEST_CASE("a WAL file truncated by RocksDB continues at the new end", "[log][wal]") {
  const WalWrites writes = GENERATE(WalWrites::kDirect, WalWrites::kCached);
  TempDir dir;
  WalFile wal(dir, writes, "000007.log");
  const std::string& path = wal.path;
  auto& file = wal.file;
  REQUIRE(file->Append("abcdef", rocksdb::IOOptions(), nullptr).ok());
  REQUIRE(file->Truncate(3, rocksdb::IOOptions(), nullptr).ok());
  REQUIRE(file->Append("XYZ", rocksdb::IOOptions(), nullptr).ok());
  CHECK(file->GetFileSize(rocksdb::IOOptions(), nullptr) == 6);
  REQUIRE(file->Close(rocksdb::IOOptions(), nullptr).ok());
  CHECK(ReadAll(path) == "abcXYZ");
}

TEST_CASE("files other than the WAL are written as RocksDB writes them", "[log][wal]") {
  TempDir dir;
  auto fs = NewPrewrittenWalFileSystem(rocksdb::FileSystem::Default());
  for (const char* name : {"MANIFEST-000001", "000042.sst", "LOG"}) {
    INFO(name);
    const std::string path = dir.str() + "/" + name;
    auto file = Create(*fs, path);
    REQUIRE(file->Append("content", rocksdb::IOOptions(), nullptr).ok());
    REQUIRE(file->Flush(rocksdb::IOOptions(), nullptr).ok());
    CHECK(std::filesystem::file_size(path) == 7);
    REQUIRE(file->Close(rocksdb::IOOptions(), nullptr).ok());
    CHECK(ReadAll(path) == "content");
  }
}

TEST_CASE("with direct writes the log reaches the file when it is synced, and only then",
          "[log][wal]") {
  TempDir dir;
  const bool direct = SupportsDirectIo(dir.str());
  INFO("direct I/O in " << dir.str() << ": " << direct);
  WalFile wal(dir, WalWrites::kDirect, "000009.log");
  const std::string& path = wal.path;
  auto& file = wal.file;

  // Records of every size, syncs at random points: each sync rewrites the block the previous
  // one ended in, so records that straddle blocks, fill one exactly or span many all occur.
  std::mt19937 random(20261129);
  std::string log;
  size_t synced = 0;
  for (int i = 0; i < 400; ++i) {
    const size_t n = std::uniform_int_distribution<size_t>(1, 9000)(random);
    log += AppendRepeated(*file, std::string(n, static_cast<char>('a' + i % 26)), n);
    if (std::uniform_int_distribution<int>(0, 2)(random) == 0) continue;
    // The log so far and 64 KiB beyond (the file runs 4-8 MiB past the log).
    const std::string before_sync = ReadPrefix(path, log.size() + 65536);
    if (direct) {
      // What was appended since the last sync is not in the file yet: still the zeros.
      CHECK(IsLogThenZeros(before_sync, log.substr(0, synced)));
    } else {
      CHECK(before_sync.compare(0, log.size(), log) == 0);  // ordinary writes: at once
    }
    Sync(*file);
    synced = log.size();
    const std::string after_sync = ReadPrefix(path, log.size() + 65536);
    REQUIRE(after_sync.size() == log.size() + 65536);
    REQUIRE(IsLogThenZeros(after_sync, log));
  }
  REQUIRE(file->Close(rocksdb::IOOptions(), nullptr).ok());
  CHECK(ReadAll(path) == log);  // closing writes what was never synced, and cuts the zeros
}

TEST_CASE("a WAL file takes appends while another thread syncs it", "[log][wal]") {
  const WalWrites writes = GENERATE(WalWrites::kDirect, WalWrites::kCached);
  TempDir dir;
  WalFile wal(dir, writes, "000010.log");
  const std::string& path = wal.path;
  auto& file = wal.file;

  std::atomic<bool> done{false};
  std::atomic<int> failed_syncs{0};
  std::atomic<int> syncs{0};
  std::thread syncer([&] {
    while (!done) {
      if (!file->Sync(rocksdb::IOOptions(), nullptr).ok()) ++failed_syncs;
      ++syncs;
    }
  });
  std::mt19937 random(7);
  std::string log;
  for (int i = 0; i < 20000; ++i) {
    // Every 1000 appends, wait for a sync that started after the previous ones: the syncs and
    // appends interleave however the threads are scheduled (on a loaded machine the syncer
    // might otherwise not run at all before the appends end).
    if (i % 1000 == 0) {
      const int before = syncs.load();
      while (syncs.load() < before + 2) std::this_thread::yield();
    }
    const size_t n = std::uniform_int_distribution<size_t>(1, 700)(random);
    std::string record(n, static_cast<char>('A' + i % 26));
    REQUIRE(file->Append(record, rocksdb::IOOptions(), nullptr).ok());
    log += record;
  }
  done = true;
  syncer.join();
  CHECK(failed_syncs == 0);
  CHECK(syncs >= 40);
  Sync(*file);
  const std::string on_disk = ReadAll(path);
  CHECK(IsLogThenZeros(on_disk, log));
  REQUIRE(file->Close(rocksdb::IOOptions(), nullptr).ok());
  CHECK(ReadAll(path) == log);
}

TEST_CASE("a WAL file that is never synced holds at most 64 MiB of it in memory", "[log][wal]") {
  TempDir dir;
  if (!SupportsDirectIo(dir.str())) {
    WARN("no direct I/O in " << dir.str() << ": ordinary writes hold nothing back");
    return;
  }
  WalFile wal(dir, WalWrites::kDirect, "000011.log");
  const std::string& path = wal.path;
  auto& file = wal.file;
  const std::string log = AppendRepeated(*file, std::string(64 * 1024, 'm'), 65 * kMiB);
  // No Sync: past 64 MiB the appending thread wrote the log's whole blocks out itself.
  const std::string on_disk = ReadPrefix(path, log.size());
  CHECK(on_disk.compare(0, 64 * kMiB, log, 0, 64 * kMiB) == 0);
  REQUIRE(file->Close(rocksdb::IOOptions(), nullptr).ok());
  CHECK(ReadAll(path) == log);
}
