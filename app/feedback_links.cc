#include "app/feedback_links.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "app/signing_key.h"

namespace tl::app {
namespace {

constexpr size_t kKeyBytes = 32;

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

template <class Int>
bool ParseInt(std::string_view text, Int* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<FeedbackLinks> FeedbackLinks::LoadOrCreate(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    unsigned char key[kKeyBytes];
    if (RAND_bytes(key, sizeof key) != 1) return Status::Internal("RAND_bytes failed");
    TL_RETURN_IF_ERROR(WriteKeyFile(path, Hex(key, sizeof key) + "\n"));
    in.open(path, std::ios::binary);
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string key = text.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.size() < 2 * kKeyBytes) {
    return Status::DataLoss(fmt::format("the feedback key {} is too short", path));
  }
  return FeedbackLinks(std::move(key));
}

std::string FeedbackLinks::Mac(std::string_view text) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &length);
  return Hex(mac, length);
}

std::string FeedbackLinks::Token(const FeedbackClaim& claim) const {
  const std::string text =
      fmt::format("{}.{}.{}", claim.ticket.value(), claim.resolved_at, claim.expires);
  return text + "." + Mac(text);
}

Result<FeedbackClaim> FeedbackLinks::Verify(std::string_view token, int64_t now) const {
  const size_t last = token.rfind('.');
  if (last == std::string_view::npos) return Status::NotFound("not a feedback link");
  const std::string_view text = token.substr(0, last);
  const std::string expected = Mac(text);
  const std::string_view given = token.substr(last + 1);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return Status::NotFound("not a feedback link of this ledger");
  }
  FeedbackClaim claim;
  const size_t a = text.find('.');
  const size_t b = a == std::string_view::npos ? a : text.find('.', a + 1);
  uint64_t ticket = 0;
  if (b == std::string_view::npos || !ParseInt(text.substr(0, a), &ticket) ||
      !ParseInt(text.substr(a + 1, b - a - 1), &claim.resolved_at) ||
      !ParseInt(text.substr(b + 1), &claim.expires) || ticket == 0) {
    return Status::NotFound("not a feedback link");
  }
  claim.ticket = ledger::TicketId(ticket);
  if (claim.expires < now) return Status::NotFound("the feedback link has expired");
  return claim;
}

}  // namespace tl::app
