// `ticketledger bench append`, briefly: it must measure all four figures, print them and the
// ratios as one JSON object, work in a scratch folder of its own, and refuse a folder it cannot
// use. The figures themselves belong in docs/benchmarks.md, not in a test.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

using namespace tl::testing;
namespace json = boost::json;

TEST_CASE("bench append measures raw RocksDB and the ledger and prints one JSON object",
          "[tools][bench]") {
  TempDir dir;
  // The user's folder is the scratch folder's parent: what is in it stays.
  { std::ofstream(dir.Sub("keep.txt")) << "mine"; }
  auto run = RunCommand({BenchBinary(), "append", "--dir", dir.str(), "--seconds", "0.3",
                         "--repeat", "1", "--threads", "8", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json::object figures = json::parse(run.out).as_object();

  CHECK(figures.at("threads").to_number<int>() == 8);
  CHECK(figures.at("repetitions").to_number<int>() == 1);
  for (const char* run_name : {"raw_1", "raw_n", "ledger_1", "ledger_n"}) {
    INFO(run_name);
    const json::object& one = figures.at(run_name).as_object();
    CHECK(one.at("ops_per_s").to_number<double>() > 0);
    CHECK(one.at("p50_us").to_number<double>() > 0);
    CHECK(one.at("p99_us").to_number<double>() >= one.at("p50_us").to_number<double>());
  }
  // Eight appenders share fsyncs: at least one append per commit and per fsync, and the
  // fsyncs took time.
  CHECK(figures.at("ledger_n_appends_per_commit").to_number<double>() >= 1);
  CHECK(figures.at("ledger_n_appends_per_fsync").to_number<double>() >= 1);
  CHECK(figures.at("ledger_n_fsync_mean_us").to_number<double>() > 0);
  CHECK(figures.at("ratio_ledger_n_vs_raw_n_throughput").to_number<double>() > 0);
  CHECK(figures.at("ratio_ledger_1_vs_raw_1_p50_latency").to_number<double>() > 0);
  CHECK(figures.at("target_throughput_ratio_min").to_number<double>() == 3);
  CHECK(figures.at("target_latency_ratio_max").to_number<double>() == 1.5);

  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    left.push_back(entry.path().filename().string());
  }
  CHECK(left == std::vector<std::string>{"keep.txt"});  // the scratch folder is gone
}

TEST_CASE("bench append --ledger-only prints the ledger's figures on one line", "[tools][bench]") {
  TempDir dir;
  auto run = RunCommand({BenchBinary(), "append", "--dir", dir.str(), "--seconds", "0.2",
                         "--threads", "4", "--ledger-only"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::StartsWith("ledger append, 4 appenders: "));
  for (const char* field :
       {" ops/s", " appends/commit", " appends/fsync", "fsync ", "p50 ", "p99 "}) {
    INFO(field);
    CHECK_THAT(run.out, Catch::Contains(field));
  }
}

TEST_CASE("bench append refuses a folder it cannot use, with exit code 2", "[tools][bench]") {
  auto run = RunCommand(
      {BenchBinary(), "append", "--dir", "/proc/no-such/dir", "--seconds", "0.2", "--repeat", "1"});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("error: ") && Catch::Contains("/proc/no-such/dir"));
}
