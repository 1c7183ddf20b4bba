// Keeps docs/log-format.md's worked example true: the events it describes, appended through the
// real log, must have exactly the stored bytes, keys and hashes the document prints.
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "ledger/domain/sha256.h"
#include "ledger/domain/time_format.h"
#include "ledger/store/codec.h"
#include "ledger/store/hash_chain.h"
#include "ledger/store/log_keys.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/hash.h"
#include "tests/support/fixtures.h"
#include "tests/support/tamper.h"

using namespace tl::ledger;
using namespace tl::testing;

namespace {

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// The hex of a ```hex fenced block tagged `golden=<name>` in the document, whitespace removed.
std::string GoldenBlock(const std::string& doc, const std::string& name) {
  const std::string open = "```hex golden=" + name + "\n";
  size_t start = doc.find(open);
  if (start == std::string::npos) return "<block " + name + " missing>";
  start += open.size();
  size_t end = doc.find("```", start);
  std::string hex;
  for (char c : doc.substr(start, end - start)) {
    if (std::isxdigit(static_cast<unsigned char>(c))) hex.push_back(c);
  }
  return hex;
}

// The example of the document: a service is defined, then a ticket is opened.
std::vector<AppendRequest> Example() {
  const TimeNs t0 = *ParseRfc3339("2026-01-05T09:00:00Z");
  AppendRequest service;
  service.parts.push_back(
      StreamAppend{StreamId::Service("Eduroam"),
                   Version{0},
                   {EventDraft{*EventId::Parse("00000000-0000-4000-8000-000000000001"), t0, "admin",
                               "admin", ServiceDefined{"eduroam"}}}});
  AppendRequest ticket;
  ticket.parts.push_back(StreamAppend{
      StreamId::NewTicket(),
      Version{0},
      {EventDraft{*EventId::Parse("00000000-0000-4000-8000-000000000002"),
                  t0 + 90 * kNanosPerSecond, "olga", "olga",
                  TicketOpened{"Eduroam", Category::kSupport, "wifi, certificate", "Orakel",
                               "ola@uio.no", Channel::kEmail, "", TicketId{}, ""}}}});
  return {service, ticket};
}

}  // namespace

TEST_CASE("the worked example of docs/log-format.md is what the log stores", "[log][golden]") {
  std::ifstream file(std::string(TL_SOURCE_DIR) + "/docs/log-format.md");
  REQUIRE(file);
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string doc = buffer.str();

  TempDir dir;
  {
    ManualClock clock(*ParseRfc3339("2026-01-05T09:00:05Z"));
    LogOptions options;
    options.clock = clock.AsClock();
    auto log = OpenLog(dir.str(), options);
    for (AppendRequest& r : Example()) {
      REQUIRE(log->Append(r).ok());
      clock.Advance(90 * kNanosPerSecond);
    }
    std::vector<std::string> values;
    std::vector<Hash> hashes;
    REQUIRE(log->ScanRaw(Seq{1}, Seq{2},
                         [&](Seq, std::string_view bytes, const Hash& h) {
                           values.emplace_back(bytes);
                           hashes.push_back(h);
                           return tl::Status::Ok();
                         })
                .ok());
    REQUIRE(values.size() == 2);
    // After a deliberate format change (a new format version), TL_PRINT_GOLDEN=1 prints the
    // new values for the document.
    if (getenv("TL_PRINT_GOLDEN")) {
      fprintf(stderr, "value1 %s\nvalue2 %s\nhash1 %s\nhash2 %s\n", Hex(values[0]).c_str(),
              Hex(values[1]).c_str(), HashToHex(hashes[0]).c_str(), HashToHex(hashes[1]).c_str());
    }
    CHECK(Hex(values[0]) == GoldenBlock(doc, "value1"));
    CHECK(Hex(values[1]) == GoldenBlock(doc, "value2"));
    CHECK(HashToHex(hashes[0]) == GoldenBlock(doc, "hash1"));
    CHECK(HashToHex(hashes[1]) == GoldenBlock(doc, "hash2"));
    // The hash is SHA-256 over the previous hash and the value, nothing else.
    CHECK(hashes[1] == ChainHash(hashes[0], values[1]));
    CHECK(Hex(keys::SeqKey(Seq{2})) == GoldenBlock(doc, "key2"));
    CHECK(Hex(keys::StreamKey(StreamId::Ticket(TicketId{1}), Version{1})) ==
          GoldenBlock(doc, "streamkey2"));
    CHECK(Hex(keys::StreamKey(StreamId::Service("Eduroam"), Version{1})) ==
          GoldenBlock(doc, "streamkey1"));
  }
  // What the meta family holds, read through RocksDB directly.
  auto head = RawGet(dir.str(), "meta", "head");
  REQUIRE(head);
  if (getenv("TL_PRINT_GOLDEN")) fprintf(stderr, "head %s\n", Hex(*head).c_str());
  CHECK(Hex(*head) == GoldenBlock(doc, "head"));
  auto record =
      RawGet(dir.str(), "event_ids",
             std::string(reinterpret_cast<const char*>(
                             EventId::Parse("00000000-0000-4000-8000-000000000002")->bytes.data()),
                         16));
  REQUIRE(record);
  if (getenv("TL_PRINT_GOLDEN")) fprintf(stderr, "idrecord2 %s\n", Hex(*record).c_str());
  CHECK(Hex(*record) == GoldenBlock(doc, "idrecord2"));

  // The Merkle tree: each commit put one piece of tile (0, 0), its new leaf hash, under the
  // width the tile had before; the root of the tree of 2 is the node over the two leaves.
  const std::string piece1_key = keys::TileKey(0, 0, 0), piece2_key = keys::TileKey(0, 0, 1);
  auto piece1 = RawGet(dir.str(), "tree", piece1_key);
  auto piece2 = RawGet(dir.str(), "tree", piece2_key);
  REQUIRE(piece1);
  REQUIRE(piece2);
  auto log = OpenLog(dir.str());
  auto root = log->TreeRoot(Seq{2});
  REQUIRE(root.ok());
  const std::string value1 = *log->Entry(Seq{1}), value2 = *log->Entry(Seq{2});
  if (getenv("TL_PRINT_GOLDEN")) {
    fprintf(stderr, "tilekey1 %s\ntilekey2 %s\nleaf1 %s\nleaf2 %s\nroot %s\n",
            Hex(piece1_key).c_str(), Hex(piece2_key).c_str(), Hex(*piece1).c_str(),
            Hex(*piece2).c_str(), HashToHex(*root).c_str());
  }
  CHECK(Hex(piece1_key) == GoldenBlock(doc, "tilekey1"));
  CHECK(Hex(piece2_key) == GoldenBlock(doc, "tilekey2"));
  CHECK(Hex(*piece1) == GoldenBlock(doc, "leaf1"));
  CHECK(Hex(*piece2) == GoldenBlock(doc, "leaf2"));
  CHECK(HashToHex(*root) == GoldenBlock(doc, "root"));
  // What the document says each is: SHA-256(0x00 ‖ entry) and SHA-256(0x01 ‖ left ‖ right).
  CHECK(*piece1 == std::string(tl::tlog::HashBytes(Sha256({std::string(1, '\0'), value1}))));
  CHECK(*piece2 == std::string(tl::tlog::HashBytes(Sha256({std::string(1, '\0'), value2}))));
  CHECK(*root == Sha256({std::string(1, '\1'), *piece1, *piece2}));

  // A checkpoint of that tree signed with C2SP signed-note's example key: Ed25519 signatures
  // are deterministic, so the document can print the note byte for byte.
  auto signer = tl::tlog::NoteSigner::Parse(
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
  REQUIRE(signer.ok());
  auto note = tl::tlog::SignCheckpoint({"PeterNeumann", 2, *root}, *signer);
  REQUIRE(note.ok());
  if (getenv("TL_PRINT_GOLDEN")) fprintf(stderr, "checkpoint\n%s", note->c_str());
  const std::string open = "```text golden=checkpoint\n";
  const size_t at = doc.find(open);
  REQUIRE(at != std::string::npos);
  CHECK(doc.substr(at + open.size(), note->size()) == *note);
}
