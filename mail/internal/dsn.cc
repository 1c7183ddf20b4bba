#include "mail/internal/dsn.h"

#include <vector>

#include "mail/internal/text.h"

namespace tl::mail::internal {
namespace {

struct Field {
  std::string name;  // lower case
  std::string value;
};

// Splits a header-like text into blocks of unfolded fields; a blank line ends a block.
std::vector<std::vector<Field>> ReadBlocks(std::string_view text) {
  std::vector<std::vector<Field>> blocks(1);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimWhitespace(line).empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
      if (end == text.size()) break;
      continue;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !blocks.back().empty()) {
      blocks.back().back().value += ' ';
      blocks.back().back().value += TrimWhitespace(line);
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      blocks.back().push_back(Field{AsciiLower(TrimWhitespace(line.substr(0, colon))),
                                    std::string(TrimWhitespace(line.substr(colon + 1)))});
    }
    if (end == text.size()) break;
  }
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

// "rfc822; user@example.org" -> "user@example.org"
std::string AddressOfTypedValue(std::string_view value) {
  const size_t semi = value.find(';');
  if (semi != std::string_view::npos) value = value.substr(semi + 1);
  return NormalizeAddress(CleanLine(value));
}

}  // namespace

DeliveryReport ParseDeliveryStatus(std::string_view text) {
  DeliveryReport report;
  for (const auto& block : ReadBlocks(text)) {
    DsnRecipient recipient;
    bool is_recipient = false;
    for (const Field& f : block) {
      if (f.name == "reporting-mta") {
        report.reporting_mta = CleanLine(f.value);
      } else if (f.name == "final-recipient") {
        recipient.final_recipient = AddressOfTypedValue(f.value);
        is_recipient = true;
      } else if (f.name == "original-recipient" && recipient.final_recipient.empty()) {
        recipient.final_recipient = AddressOfTypedValue(f.value);
        is_recipient = true;
      } else if (f.name == "action") {
        recipient.action = AsciiLower(CleanLine(f.value));
        is_recipient = true;
      } else if (f.name == "status") {
        recipient.status = CleanLine(f.value);
      } else if (f.name == "diagnostic-code") {
        recipient.diagnostic_code = CleanLine(f.value);
      }
    }
    if (is_recipient) report.recipients.push_back(std::move(recipient));
  }
  return report;
}

std::string FindMessageId(std::string_view header_block) {
  for (const auto& block : ReadBlocks(header_block)) {
    for (const Field& f : block) {
      if (f.name == "message-id") return StripAngleBrackets(f.value);
    }
    break;  // only the first block is headers; what follows a blank line is a body
  }
  return "";
}

std::string StripAngleBrackets(std::string_view value) {
  const size_t open = value.find('<');
  if (open != std::string_view::npos) {
    const size_t close = value.find('>', open + 1);
    if (close != std::string_view::npos) return CleanLine(value.substr(open + 1, close - open - 1));
  }
  return CleanLine(value);
}

}  // namespace tl::mail::internal
