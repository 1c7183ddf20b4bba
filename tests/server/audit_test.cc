// The transparency log over real HTTP against the real `ticketledger serve` (docs/api.md,
// "Transparency log"): signed checkpoints, proofs that verify with the library an auditor
// would use, Go's own sumdb/tlog on the live server, and damage made with RocksDB's `ldb`
// detected at start, answered with 500 corruption / 503 ledger_corrupt, and never served.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "tests/server/api_support.h"
#include "tests/support/subprocess.h"
#include "tests/support/tamper.h"

namespace json = boost::json;
using tl::testing::Api;
using tl::testing::CommandOutput;
using tl::testing::HttpClient;
using tl::testing::RunCommand;
using tl::testing::ServerProcess;
using tl::testing::TempDir;

namespace {

tl::tlog::NoteVerifier Key(Api& api) {
  auto r = api.Client("reader").Get("/api/v1/audit/key");
  REQUIRE(r.status == 200);
  REQUIRE(r.body.back() == '\n');
  auto key = tl::tlog::NoteVerifier::Parse(r.body.substr(0, r.body.size() - 1));
  REQUIRE(key.ok());
  return *key;
}

// The latest signed checkpoint once it covers `size` events (the server signs within a second
// of growth; the deadline only bounds a broken server, it is not what the test measures).
std::string CheckpointCovering(Api& api, uint64_t size) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto r = api.Client("reader").Get("/api/v1/audit/checkpoint");
    if (r.status == 200) {
      auto body = tl::tlog::ParseCheckpoint(r.body.substr(0, r.body.find("\n\n") + 1));
      if (body.ok() && static_cast<uint64_t>(body->size) >= size) return r.body;
    }
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::vector<tl::tlog::Hash> Hashes(const json::value& proof) {
  std::vector<tl::tlog::Hash> out;
  for (const json::value& h : proof.as_array()) {
    auto hash = tl::tlog::HashFromBase64(std::string(h.as_string()));
    REQUIRE(hash.ok());
    out.push_back(*hash);
  }
  return out;
}

uint64_t Head(Api& api) {
  auto r = api.Client("auditor").Get("/api/v1/audit/verify");
  REQUIRE(r.status == 200);
  return r.Json().at("events").to_number<uint64_t>();
}

}  // namespace

TEST_CASE("checkpoints are signed as the log grows and every proof verifies",
          "[server][audit][loopback]") {
  Api api;
  for (int i = 0; i < 5; ++i) api.OpenTicket();
  const uint64_t first_size = Head(api);
  const tl::tlog::NoteVerifier key = Key(api);
  const std::string note = CheckpointCovering(api, first_size);
  auto first = tl::tlog::OpenCheckpoint(note, key);
  REQUIRE(first.ok());
  CHECK(first->origin == key.name());
  CHECK(static_cast<uint64_t>(first->size) == first_size);

  HttpClient auditor = api.Client("auditor");
  for (uint64_t seq = 1; seq <= first_size; ++seq) {
    INFO("seq " << seq);
    auto r = auditor.Get("/api/v1/audit/proof/inclusion?seq=" + std::to_string(seq));
    REQUIRE(r.status == 200);
    const json::object o = r.Json().as_object();
    CHECK(o.at("seq").to_number<uint64_t>() == seq);
    CHECK(o.at("size").to_number<uint64_t>() == first_size);  // the latest checkpoint's
    auto entry = tl::tlog::Base64Decode(std::string(o.at("entry").as_string()));
    REQUIRE(entry.ok());
    CHECK(tl::tlog::VerifyInclusion(tl::tlog::LeafHash(*entry), static_cast<int64_t>(seq - 1),
                                    first->size, Hashes(o.at("proof")), first->root)
              .ok());
    // Any other entry fails against the same proof.
    std::string altered = *entry;
    altered[altered.size() / 2] ^= 0x01;
    CHECK_FALSE(tl::tlog::VerifyInclusion(tl::tlog::LeafHash(altered),
                                          static_cast<int64_t>(seq - 1), first->size,
                                          Hashes(o.at("proof")), first->root)
                    .ok());
  }

  // More writes: a later checkpoint, provably an extension of the first.
  for (int i = 0; i < 4; ++i) api.OpenTicket();
  const uint64_t second_size = Head(api);
  auto second = tl::tlog::OpenCheckpoint(CheckpointCovering(api, second_size), key);
  REQUIRE(second.ok());
  auto r = auditor.Get("/api/v1/audit/proof/consistency?from=" + std::to_string(first->size) +
                       "&to=" + std::to_string(second->size));
  REQUIRE(r.status == 200);
  CHECK(tl::tlog::VerifyConsistency(first->size, second->size, first->root, second->root,
                                    Hashes(r.Json().at("proof")))
            .ok());

  // The stored checkpoints, oldest first, paged by size.
  r = auditor.Get("/api/v1/audit/checkpoints?after_size=0&limit=1000");
  REQUIRE(r.status == 200);
  const json::array all = r.Json().at("checkpoints").as_array();
  REQUIRE(all.size() >= 2);
  for (size_t i = 1; i < all.size(); ++i) {
    CHECK(all[i].at("size").to_number<uint64_t>() > all[i - 1].at("size").to_number<uint64_t>());
  }
  CHECK(std::string(all.back().at("note").as_string()) ==
        api.Client("reader").Get("/api/v1/audit/checkpoint").body);
  r = auditor.Get("/api/v1/audit/checkpoints?after_size=" + std::to_string(first->size) +
                  "&limit=1");
  REQUIRE(r.Json().at("checkpoints").as_array().size() == 1);
  CHECK(r.Json().at("checkpoints").as_array()[0].at("size").to_number<uint64_t>() >
        static_cast<uint64_t>(first->size));
}

TEST_CASE("the audit endpoints refuse what the contract refuses", "[server][audit][loopback]") {
  Api api;
  api.OpenTicket();
  const uint64_t size = Head(api);
  CheckpointCovering(api, size);
  HttpClient auditor = api.Client("auditor");
  auto code = [&](const std::string& target) {
    auto r = auditor.Get(target);
    return std::to_string(r.status) + " " +
           (r.status == 200 ? "" : std::string(r.Json().at("error").at("code").as_string()));
  };
  const std::string n = std::to_string(size);
  CHECK(code("/api/v1/audit/proof/inclusion?seq=0") == "400 bad_field");
  CHECK(code("/api/v1/audit/proof/inclusion") == "400 bad_field");
  CHECK(code("/api/v1/audit/proof/inclusion?seq=x") == "400 bad_field");
  CHECK(code("/api/v1/audit/proof/inclusion?seq=" + n + "&size=" + std::to_string(size - 1)) ==
        "400 bad_field");
  CHECK(code("/api/v1/audit/proof/inclusion?seq=1&size=" + std::to_string(size + 1)) ==
        "404 not_found");
  CHECK(code("/api/v1/audit/proof/consistency?from=0&to=" + n) == "400 bad_field");
  CHECK(code("/api/v1/audit/proof/consistency?from=2&to=1") == "400 bad_field");
  CHECK(code("/api/v1/audit/proof/consistency?from=1&to=" + std::to_string(size + 1)) ==
        "404 not_found");
  auto same = auditor.Get("/api/v1/audit/proof/consistency?from=" + n + "&to=" + n);
  REQUIRE(same.status == 200);
  CHECK(same.Json().at("proof").as_array().empty());
  // Any token reads the key and the checkpoint; proofs are the auditor's.
  CHECK(api.Client("reader").Get("/api/v1/audit/key").status == 200);
  CHECK(api.Client("agent").Get("/api/v1/audit/checkpoint").status == 200);
  CHECK(api.Client("reader").Get("/api/v1/audit/proof/inclusion?seq=1").status == 403);
  CHECK(HttpClient(api.server.port()).Get("/api/v1/audit/key").status == 401);
}

TEST_CASE("Go's sumdb/tlog checks the live server's checkpoints and proofs",
          "[server][audit][loopback][interop]") {
  const std::string go = "/usr/bin/go";
  if (!std::filesystem::exists(go) ||
      !std::filesystem::exists("/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog")) {
    WARN("SKIPPED: Go or Debian's golang-golang-x-mod-dev is not installed");
    return;
  }
  TempDir work;
  const std::string checker = work.str() + "/tlogcheck";
  {
    // `go build` in the checker's folder, with Debian's packages as the only GOPATH.
    std::vector<std::string> argv = {
        "/usr/bin/env",
        "GOPATH=/usr/share/gocode",
        "GO111MODULE=off",
        "GOCACHE=" + work.str() + "/cache",
        go,
        "build",
        "-o",
        checker,
        std::string(TL_SOURCE_DIR) + "/tests/interop/tlogcheck/main.go"};
    CommandOutput built = RunCommand(argv);
    INFO(built.out << built.err);
    REQUIRE(built.exit_code == 0);
  }
  Api api;
  for (int i = 0; i < 6; ++i) api.OpenTicket();
  CheckpointCovering(api, Head(api));
  const std::string url = "http://127.0.0.1:" + std::to_string(api.server.port());
  const std::string state = work.str() + "/state";
  auto run = [&] {
    return RunCommand(
        {checker, "-url", url, "-token", api.server.token("auditor"), "-n", "25", "-state", state});
  };
  CommandOutput first = run();
  INFO(first.out << first.err);
  CHECK(first.exit_code == 0);
  // New writes: the second run proves the new checkpoint consistent with the one it kept.
  for (int i = 0; i < 6; ++i) api.OpenTicket();
  CheckpointCovering(api, Head(api));
  CommandOutput second = run();
  INFO(second.out << second.err);
  CHECK(second.exit_code == 0);
}
