#include "app/mail_ids.h"

#include <fmt/format.h>

#include <charconv>

namespace tl::app {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A positive decimal without sign or leading zeros that fits 64 bits.
std::optional<uint64_t> ParsePositive(std::string_view digits) {
  if (digits.empty() || digits[0] == '0') return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string MailSettings::MessageIdDomain() const {
  if (!message_id_domain.empty()) return message_id_domain;
  const size_t at = from_address.rfind('@');
  if (at != std::string::npos && at + 1 < from_address.size()) return from_address.substr(at + 1);
  return "localhost";
}

std::string OutboundMessageId(ledger::TicketId ticket, ledger::Seq source,
                              std::string_view domain) {
  return fmt::format("tl.{}.{}@{}", ticket.value(), source.value(), domain);
}

std::optional<ledger::TicketId> TicketOfOutboundMessageId(std::string_view message_id,
                                                          std::string_view domain) {
  const size_t at = message_id.rfind('@');
  if (at == std::string_view::npos || !EqualsIgnoringCase(message_id.substr(at + 1), domain)) {
    return std::nullopt;
  }
  std::string_view local = message_id.substr(0, at);
  if (!local.starts_with("tl.")) return std::nullopt;
  local.remove_prefix(3);
  const size_t dot = local.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto ticket = ParsePositive(local.substr(0, dot));
  auto seq = ParsePositive(local.substr(dot + 1));
  if (!ticket || !seq) return std::nullopt;
  return ledger::TicketId(*ticket);
}

}  // namespace tl::app
