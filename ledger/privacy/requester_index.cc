#include "ledger/privacy/requester_index.h"

#include <sodium.h>

#include "ledger/privacy/internal/sodium.h"

namespace tl::privacy {
namespace {

static_assert(crypto_auth_hmacsha256_BYTES == sizeof(RequesterDigest));
static_assert(crypto_auth_hmacsha256_KEYBYTES == kKeyBytes);

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string NormalizeAddress(std::string_view address) {
  std::string lower(Trim(address));
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view rest = lower;
  constexpr std::string_view kMailto = "mailto:";
  if (rest.starts_with(kMailto)) rest.remove_prefix(kMailto.size());
  return std::string(Trim(rest));
}

RequesterIndex::RequesterIndex(const MasterKey& master) : index_key_(master.index_key()) {}

Result<RequesterDigest> RequesterIndex::RequesterKey(std::string_view address) const {
  internal::EnsureSodium();
  const std::string normalized = NormalizeAddress(address);
  if (normalized.empty()) return Status::BadField("requester address is empty");
  RequesterDigest digest{};
  crypto_auth_hmacsha256(digest.data(), reinterpret_cast<const unsigned char*>(normalized.data()),
                         normalized.size(), index_key_.bytes().data());
  return digest;
}

}  // namespace tl::privacy
