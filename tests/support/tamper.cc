#include "tests/support/tamper.h"

#include <cctype>
#include <sstream>
#include <stdexcept>

#include "ledger/domain/sha256.h"
#include "tests/support/subprocess.h"

namespace tl::testing {
namespace {

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "0x";
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

std::string Unhex(std::string_view text) {
  if (text.starts_with("0x")) text.remove_prefix(2);
  std::string out;
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    auto nibble = [](char c) { return std::isdigit(c) ? c - '0' : std::toupper(c) - 'A' + 10; };
    out.push_back(static_cast<char>(nibble(text[i]) << 4 | nibble(text[i + 1])));
  }
  return out;
}

// Runs RocksDB's own `ldb` on the closed ledger: what an attacker with file access would use.
CommandOutput Ldb(const std::string& dir, const std::string& family,
                  const std::vector<std::string>& command) {
  std::vector<std::string> argv = {"/usr/bin/ldb", "--db=" + dir, "--column_family=" + family,
                                   "--hex"};
  argv.insert(argv.end(), command.begin(), command.end());
  return RunCommand(argv);
}

}  // namespace

std::optional<std::string> RawGet(const std::string& dir, const std::string& family,
                                  const std::string& key) {
  CommandOutput out = Ldb(dir, family, {"get", Hex(key)});
  if (out.exit_code != 0) return std::nullopt;
  std::string value = out.out;
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.pop_back();
  }
  return Unhex(value);
}

void RawPut(const std::string& dir, const std::string& family, const std::string& key,
            const std::string& value) {
  CommandOutput out = Ldb(dir, family, {"put", Hex(key), Hex(value)});
  if (out.exit_code != 0) throw std::runtime_error("ldb put failed: " + out.out + out.err);
}

void RawDelete(const std::string& dir, const std::string& family, const std::string& key) {
  CommandOutput out = Ldb(dir, family, {"delete", Hex(key)});
  if (out.exit_code != 0) throw std::runtime_error("ldb delete failed: " + out.out + out.err);
}

std::string SeqKeyOf(uint64_t seq) {
  std::string key;
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(seq >> shift));
  return key;
}

void FlipEventByte(const std::string& dir, uint64_t seq) {
  std::optional<std::string> bytes = RawGet(dir, "events", SeqKeyOf(seq));
  if (!bytes) throw std::runtime_error("no stored event at seq " + std::to_string(seq));
  (*bytes)[bytes->size() - 3] ^= 0x01;
  RawPut(dir, "events", SeqKeyOf(seq), *bytes);
}

namespace {

uint64_t HeadSeq(const std::string& dir) {
  std::optional<std::string> head = RawGet(dir, "meta", "head");
  if (!head || head->size() != 40) throw std::runtime_error("no head record");
  uint64_t seq = 0;
  for (int i = 0; i < 8; ++i) seq = seq << 8 | static_cast<unsigned char>((*head)[i]);
  return seq;
}

std::string HeadRecord(uint64_t seq, const std::string& hash) { return SeqKeyOf(seq) + hash; }

}  // namespace

void RewriteEventWithChain(const std::string& dir, uint64_t seq, const std::string& bytes) {
  const uint64_t head = HeadSeq(dir);
  std::string prev = seq == 1 ? std::string(32, '\0') : *RawGet(dir, "chain", SeqKeyOf(seq - 1));
  std::vector<std::string> chain = {"batchput"};
  for (uint64_t s = seq; s <= head; ++s) {
    const std::string event = s == seq ? bytes : *RawGet(dir, "events", SeqKeyOf(s));
    const ledger::Hash h = ledger::Sha256({prev, event});
    prev.assign(reinterpret_cast<const char*>(h.data()), h.size());
    chain.push_back(Hex(SeqKeyOf(s)));
    chain.push_back(Hex(prev));
  }
  RawPut(dir, "events", SeqKeyOf(seq), bytes);
  CommandOutput out = Ldb(dir, "chain", chain);
  if (out.exit_code != 0) throw std::runtime_error("ldb batchput failed: " + out.out + out.err);
  RawPut(dir, "meta", "head", HeadRecord(head, prev));
}

void TruncateTree(const std::string& dir, uint64_t size) {
  CommandOutput scan = Ldb(dir, "tree", {"scan"});
  if (scan.exit_code != 0) throw std::runtime_error("ldb scan failed: " + scan.err);
  std::istringstream lines(scan.out);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t sep = line.find(" : ");
    if (sep == std::string::npos) continue;
    const std::string key = Unhex(line.substr(0, sep));
    const std::string value = Unhex(line.substr(sep + 3));
    if (key.size() != 11) continue;
    const int level = static_cast<unsigned char>(key[0]);
    uint64_t index = 0;
    for (int i = 1; i <= 8; ++i) index = index << 8 | static_cast<unsigned char>(key[i]);
    const uint64_t start =
        static_cast<unsigned char>(key[9]) << 8 | static_cast<unsigned char>(key[10]);
    // The hashes level `level` has in a tree of `size`, and how many of this piece's are in it.
    const uint64_t keep_until = size >> (8 * level);
    const uint64_t first = index * 256 + start;
    const uint64_t count = value.size() / 32;
    if (first >= keep_until) {
      RawDelete(dir, "tree", key);
    } else if (first + count > keep_until) {
      RawPut(dir, "tree", key, value.substr(0, (keep_until - first) * 32));
    }
  }
}

void TruncateTail(const std::string& dir, uint64_t count) {
  const uint64_t head = HeadSeq(dir);
  if (count >= head) throw std::runtime_error("cannot truncate the whole log");
  for (uint64_t s = head - count + 1; s <= head; ++s) {
    RawDelete(dir, "events", SeqKeyOf(s));
    RawDelete(dir, "chain", SeqKeyOf(s));
  }
  const std::string hash = *RawGet(dir, "chain", SeqKeyOf(head - count));
  RawPut(dir, "meta", "head", HeadRecord(head - count, hash));
}

}  // namespace tl::testing
