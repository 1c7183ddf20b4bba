// Keeps docs/log-format.md's worked example true: the events it describes, appended through the
// real log, must have exactly the stored bytes, keys and hashes the document prints.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "ledger/store/codec.h"
#include "ledger/store/hash_chain.h"
#include "ledger/store/log_keys.h"
#include "ledger/domain/time_format.h"
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
      StreamAppend{StreamId::Service("Eduroam"), Version{0},
                   {EventDraft{*EventId::Parse("00000000-0000-4000-8000-000000000001"), t0,
                               "admin", "admin", ServiceDefined{"eduroam"}}}});
  AppendRequest ticket;
  ticket.parts.push_back(StreamAppend{
      StreamId::NewTicket(), Version{0},
      {EventDraft{*EventId::Parse("00000000-0000-4000-8000-000000000002"), t0 + 90 * kNanosPerSecond,
                  "olga", "olga",
                  TicketOpened{"Eduroam", Category::kSupport, "wifi, certificate", "Orakel",
                               "ola@uio.no", Channel::kEmail, "", 0, ""}}}});
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
    REQUIRE(log->ScanRaw(1, 2, [&](Seq, std::string_view bytes, const Hash& h) {
                  values.emplace_back(bytes);
                  hashes.push_back(h);
                  return tl::Status::Ok();
                }).ok());
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
    CHECK(Hex(keys::SeqKey(2)) == GoldenBlock(doc, "key2"));
    CHECK(Hex(keys::StreamKey(StreamId::Ticket(1), 1)) == GoldenBlock(doc, "streamkey2"));
    CHECK(Hex(keys::StreamKey(StreamId::Service("Eduroam"), 1)) ==
          GoldenBlock(doc, "streamkey1"));
  }
  // What the meta family holds, read through RocksDB directly.
  auto head = RawGet(dir.str(), "meta", "head");
  REQUIRE(head);
  if (getenv("TL_PRINT_GOLDEN")) fprintf(stderr, "head %s\n", Hex(*head).c_str());
  CHECK(Hex(*head) == GoldenBlock(doc, "head"));
  auto record = RawGet(dir.str(), "event_ids",
                       std::string(reinterpret_cast<const char*>(
                                       EventId::Parse("00000000-0000-4000-8000-000000000002")
                                           ->bytes.data()),
                                   16));
  REQUIRE(record);
  if (getenv("TL_PRINT_GOLDEN")) fprintf(stderr, "idrecord2 %s\n", Hex(*record).c_str());
  CHECK(Hex(*record) == GoldenBlock(doc, "idrecord2"));
}
