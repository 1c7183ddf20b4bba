#include "ledger/tlog/hash.h"

#include <fmt/format.h>

#include "ledger/domain/sha256.h"

namespace tl::tlog {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

Hash LeafHash(std::string_view entry) {
  static constexpr char kLeafPrefix = 0x00;
  return ledger::Sha256({std::string_view(&kLeafPrefix, 1), entry});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  static constexpr char kNodePrefix = 0x01;
  return ledger::Sha256({std::string_view(&kNodePrefix, 1), HashBytes(left), HashBytes(right)});
}

Hash EmptyRootHash() { return ledger::Sha256({}); }

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += kBase64Alphabet[v >> 18 & 63];
    out += kBase64Alphabet[v >> 12 & 63];
    out += kBase64Alphabet[v >> 6 & 63];
    out += kBase64Alphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    const uint32_t v = byte(i) << 16;
    out += kBase64Alphabet[v >> 18 & 63];
    out += kBase64Alphabet[v >> 12 & 63];
    out += "==";
  } else if (bytes.size() - i == 2) {
    const uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
    out += kBase64Alphabet[v >> 18 & 63];
    out += kBase64Alphabet[v >> 12 & 63];
    out += kBase64Alphabet[v >> 6 & 63];
    out += '=';
  }
  return out;
}

std::string HashToBase64(const Hash& hash) { return Base64Encode(HashBytes(hash)); }

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return Status::BadField(fmt::format("base64 of length {} is not a multiple of 4", text.size()));
  }
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      const bool pad = last && k >= 4 - padding;
      const int value = pad ? 0 : Base64Value(text[i + k]);
      if (value < 0) {
        return Status::BadField(fmt::format("invalid base64 character at offset {}", i + k));
      }
      v = v << 6 | static_cast<uint32_t>(value);
    }
    out += static_cast<char>(v >> 16 & 0xff);
    if (!last || padding < 2) out += static_cast<char>(v >> 8 & 0xff);
    if (!last || padding < 1) out += static_cast<char>(v & 0xff);
    // Canonical form: the bits that the padding hides must be zero.
    if (last && ((padding == 2 && (v & 0xffff) != 0) || (padding == 1 && (v & 0xff) != 0))) {
      return Status::BadField("non-canonical base64: unused bits are set");
    }
  }
  return out;
}

Result<Hash> HashFromBase64(std::string_view text) {
  TL_ASSIGN_OR_RETURN(std::string bytes, Base64Decode(text));
  if (bytes.size() != kHashSize) {
    return Status::BadField(fmt::format("a hash has 32 bytes, this base64 has {}", bytes.size()));
  }
  Hash hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

}  // namespace tl::tlog
