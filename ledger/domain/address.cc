#include "ledger/domain/address.h"

namespace tl::ledger {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithIgnoreCase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i) {
    if (AsciiLower(s[i]) != lower_prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string NormalizeAddress(std::string_view address) {
  std::string_view a = Trim(address);
  constexpr std::string_view kMailto = "mailto:";
  if (StartsWithIgnoreCase(a, kMailto)) a = Trim(a.substr(kMailto.size()));
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = Trim(a.substr(1, a.size() - 2));
  std::string out(a);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

}  // namespace tl::ledger
