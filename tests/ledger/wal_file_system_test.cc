// The file system that writes WAL files ahead of the log (ledger/wal_file_system.h), through
// RocksDB's FileSystem interface on a real directory.
#include "ledger/wal_file_system.h"

#include <rocksdb/file_system.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/temp_dir.h"

using tl::ledger::IsWalFileName;
using tl::ledger::NewPrewrittenWalFileSystem;
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
  TempDir dir;
  auto fs = NewPrewrittenWalFileSystem(rocksdb::FileSystem::Default());
  const std::string path = dir.str() + "/000042.log";
  auto file = Create(*fs, path);
  CHECK(std::filesystem::file_size(path) == 0);

  std::string log = AppendRepeated(*file, "record;", 1000);
  REQUIRE(file->Sync(rocksdb::IOOptions(), nullptr).ok());
  CHECK(file->GetFileSize(rocksdb::IOOptions(), nullptr) == log.size());
  // On disk: the log, then zeros up to a multiple of 4 MiB at least 4 MiB past it.
  std::string on_disk = ReadAll(path);
  CHECK(on_disk.size() == 8 * kMiB);
  CHECK(on_disk.compare(0, log.size(), log) == 0);
  CHECK(on_disk.find_first_not_of('\0', log.size()) == std::string::npos);

  // Within the zeros the file keeps its size; past them it grows again, and the log's bytes
  // stay contiguous.
  log += AppendRepeated(*file, std::string(64 * 1024, 'x'), 4 * kMiB);
  CHECK(std::filesystem::file_size(path) == 8 * kMiB);
  log += AppendRepeated(*file, std::string(64 * 1024, 'y'), 4 * kMiB);
  CHECK(file->GetFileSize(rocksdb::IOOptions(), nullptr) == log.size());
  on_disk = ReadAll(path);
  CHECK(on_disk.size() == 16 * kMiB);  // a little over 8 MiB of log: zeros up to 16 MiB
  CHECK(on_disk.compare(0, log.size(), log) == 0);
  CHECK(on_disk.find_first_not_of('\0', log.size()) == std::string::npos);

  REQUIRE(file->Close(rocksdb::IOOptions(), nullptr).ok());
  CHECK(ReadAll(path) == log);
}

TEST_CASE("a WAL file truncated by RocksDB continues at the new end", "[log][wal]") {
  TempDir dir;
  auto fs = NewPrewrittenWalFileSystem(rocksdb::FileSystem::Default());
  const std::string path = dir.str() + "/000007.log";
  auto file = Create(*fs, path);
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
