#include "tools/cli_checks.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace tl::tools {

namespace {

CLI::Validator DecimalAtLeast(uint64_t least, std::string description) {
  return CLI::Validator(
      [least](std::string& text) -> std::string {
        uint64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || text.front() == '-' || text.front() == '+' || ec != std::errc() ||
            end != text.data() + text.size()) {
          return "must be a whole number from " + std::to_string(least) +
                 " to 18446744073709551615, got " + text;
        }
        if (value < least) return "must be at least " + std::to_string(least) + ", got " + text;
        return {};
      },
      std::move(description));
}

}  // namespace

CLI::Validator PositiveId() { return DecimalAtLeast(1, "POSITIVE"); }
CLI::Validator NonNegativeId() { return DecimalAtLeast(0, "NON-NEGATIVE"); }

}  // namespace tl::tools
