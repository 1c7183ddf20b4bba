// A real full disk: the real `ticketledger serve` on a ledger in a small tmpfs, written to until
// the file system has no space left. Nothing is injected: the ENOSPC comes from the kernel.
// The server must answer 503 storage_full with the API's error body, stay alive and serve
// reads, append nothing while full, and take writes again once space is freed and it is
// restarted (the WAL met the full disk: docs/operations.md, "Storage faults").
//
// Mounting needs root (CI runs as root); where the mount is refused the test says so and
// skips.
#include <sys/statvfs.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/server/api_support.h"
#include "tests/support/http_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tmpfs_mount.h"

using namespace tl::testing;
namespace json = boost::json;

namespace {

uint64_t FreeBytes(const std::string& dir) {
  struct statvfs s {};
  REQUIRE(::statvfs(dir.c_str(), &s) == 0);
  return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
}

// A ticket whose description is `bytes` long: a few of them fill a small disk.
json::object BigTicket(size_t bytes) {
  json::object body = Api::TicketBody();
  std::string description;
  while (description.size() < bytes) description += "login, password reset, ";
  body["description"] = description;
  return body;
}

}  // namespace

TEST_CASE(
    "a real full disk: 503 storage_full, reads go on, and writes come back after a "
    "restart once space is freed",
    "[server][fault][loopback][slow]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  TempDir dir;  // declared first: outlives the mount
  const std::string disk = dir.Sub("disk");
  // 32 MiB: the WAL is written 4-8 MiB ahead of its records with zeros (docs/operations.md), so
  // the ledger takes 8 MiB at its first write, and the restart needs room for the recovered
  // memtables' table files and a new WAL beside the old one.
  TmpfsMount mount(disk, 32);
  if (!mount.mounted()) {
    WARN("skipped: cannot mount a tmpfs on " << disk << " (" << mount.error()
                                             << "); the test needs root");
    return;
  }
  // The filler comes first, so that freeing it frees space the ledger can use: it leaves less
  // than the WAL needs at its second step ahead, 8 MiB of records in.
  const std::string filler = disk + "/filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string mib(1u << 20, 'f');
    for (int i = 0; i < 18; ++i) out << mib;
    REQUIRE(out.good());
  }
  ServerProcess::Options options;
  options.data_dir = disk + "/ledger";
  if (tuning == "plain") options.extra_args = {"--plain-write-path"};
  ServerProcess server(options);
  server.Start();
  DefineStandardReferenceOverHttp(server.port(), server.token("admin"));
  HttpClient olga(server.port(), server.token("olga"));
  HttpClient reader(server.port(), server.token("reader"));

  auto first = olga.Post("/api/v1/tickets", Api::TicketBody());
  REQUIRE(first.status == 201);
  const std::string ticket =
      "/api/v1/tickets/" + std::to_string(first.Json().at("id").to_number<uint64_t>());

  // Fill the disk: 64 KiB tickets until one is refused.
  const json::object big = BigTicket(64u << 10);
  HttpResponse refused;
  int taken = 0;
  for (; taken < 2000; ++taken) {
    refused = olga.Post("/api/v1/tickets", big);
    if (refused.status != 201) break;
  }
  INFO(taken << " tickets taken; free bytes now " << FreeBytes(disk) << "; " << refused.body);
  REQUIRE(refused.status == 503);
  CHECK(refused.ErrorCode() == "storage_full");
  CHECK(taken > 0);
  CHECK(server.Alive());

  // Full: writes are refused and append nothing; reads go on.
  const uint64_t feed = FeedLength(server.port(), server.token("auditor"));
  auto again = olga.Post("/api/v1/tickets", Api::TicketBody());
  CHECK(again.status == 503);
  CHECK(again.ErrorCode() == "storage_full");
  CHECK(FeedLength(server.port(), server.token("auditor")) == feed);
  CHECK(reader.Get(ticket).status == 200);
  CHECK(reader.Get("/api/v1/reports/volume").status == 200);
  CHECK(HttpClient(server.port()).Get("/readyz").status == 200);
  CHECK(server.Alive());

  // Space back. The WAL met the full disk, so this process keeps refusing, past the writer's
  // next try to resume (a second later).
  std::filesystem::remove(filler);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto still = olga.Post("/api/v1/tickets", Api::TicketBody());
  CHECK(still.status == 503);
  CHECK(still.ErrorCode() == "storage_full");
  CHECK(FeedLength(server.port(), server.token("auditor")) == feed);

  // RocksDB said why on stderr, as JSON lines, and kept no LOG file of its own.
  const std::string log = server.Stderr();
  CHECK(log.find("\"component\":\"rocksdb\"") != std::string::npos);
  CHECK(log.find("No space left on device") != std::string::npos);
  CHECK(!std::filesystem::exists(options.data_dir + "/LOG"));

  // A restart recovers: everything acknowledged is there, and writes are taken again.
  CHECK(server.Stop() == 0);
  server.Start();
  CHECK(FeedLength(server.port(), server.token("auditor")) == feed);
  HttpClient olga_again(server.port(), server.token("olga"));
  auto after = olga_again.Post("/api/v1/tickets", Api::TicketBody());
  INFO(after.body);
  CHECK(after.status == 201);
  CHECK(FeedLength(server.port(), server.token("auditor")) > feed);
  CHECK(HttpClient(server.port(), server.token("reader")).Get(ticket).status == 200);
  CHECK(server.Stop() == 0);
}
