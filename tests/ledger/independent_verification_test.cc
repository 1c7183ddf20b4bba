// The log can be checked with tools nobody here wrote: Cap'n Proto's `capnp decode` reads the
// stored bytes, and a standard-library Python script (tools/audit/verify_export.py) re-hashes
// them to the same head hash the ledger reports.
#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"

using namespace tl::ledger;
using namespace tl::app;
using namespace tl::testing;

namespace {

// Writes the stored bytes of seqs [from, to] to `path`, as `export --format capnp` does.
void WriteRawExport(const EventLog& log, Seq from, Seq to, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  REQUIRE(log.ScanRaw(from, to,
                      [&](Seq, std::string_view bytes, const Hash&) {
                        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                        return tl::Status::Ok();
                      })
              .ok());
}

}  // namespace

TEST_CASE("capnp decode and a Python script verify the stored bytes", "[log][audit]") {
  TempDir dir;
  auto log = OpenLog(dir.Sub("db"));
  LogStateSource states(*log);
  CommandHandler handler(*log, states);
  DefineStandardReference(handler);
  for (int i = 0; i < 20; ++i) {
    auto t = handler.Open(SupportTicket(i % 2 ? "Orakel" : "campus"), By("olga"));
    REQUIRE(t.ok());
    REQUIRE(handler.Act(t->id, Reply{"answer " + std::to_string(i)}, By("carl")).ok());
    REQUIRE(handler.Act(t->id, Resolve{"solution æøå " + std::to_string(i)}, By("carl")).ok());
  }
  const LogHead head = log->Head();
  const std::string path = dir.Sub("export.bin");
  WriteRawExport(*log, Seq{1}, head.seq, path);

  const std::string script = std::string(TL_SOURCE_DIR) + "/tools/audit/verify_export.py";
  auto ok = RunCommand({"/usr/bin/python3", script, path, "--head", HashToHex(head.hash)});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("events " + std::to_string(head.seq.value())));

  // An export that starts in the middle chains on from the hash before it.
  const Seq middle{head.seq.value() / 2};
  auto before = log->ReadOne(middle);
  REQUIRE(before.ok());
  WriteRawExport(*log, middle.Next(), head.seq, dir.Sub("tail.bin"));
  auto tail = RunCommand({"/usr/bin/python3", script, dir.Sub("tail.bin"), "--from-hash",
                          HashToHex(before->hash), "--head", HashToHex(head.hash)});
  CHECK(tail.exit_code == 0);

  auto decoded =
      RunCommand({"/usr/bin/capnp", "decode", "-I/usr/include",
                  std::string(TL_SOURCE_DIR) + "/ledger/store/schema/events.capnp", "Event"},
                 [&] {
                   std::ifstream in(path, std::ios::binary);
                   return std::string(std::istreambuf_iterator<char>(in), {});
                 }());
  INFO(decoded.err);
  CHECK(decoded.exit_code == 0);
  CHECK_THAT(decoded.out, Catch::Contains("seq = 1,"));
  CHECK_THAT(decoded.out, Catch::Contains("seq = " + std::to_string(head.seq.value()) + ","));
  CHECK_THAT(decoded.out, Catch::Contains("serviceDefined = (title = \"eduroam\")"));

  // One flipped byte anywhere changes the head the script computes.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    char c;
    f.seekg(200);
    f.get(c);
    f.seekp(200);
    f.put(static_cast<char>(c ^ 0x20));
  }
  auto tampered = RunCommand({"/usr/bin/python3", script, path, "--head", HashToHex(head.hash)});
  CHECK(tampered.exit_code == 1);
}
