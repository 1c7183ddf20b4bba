// Command-line checks shared by the subcommands. CLI11 reads "-5" into a uint64_t as
// 18446744073709551611 (it wraps), so an id or seq option checks its text first: decimal digits
// only, within 64 bits.
#pragma once

#include <CLI/CLI.hpp>

namespace tl::tools {

// A ticket id or seq that must be at least 1.
CLI::Validator PositiveId();
// A seq where 0 means "from the start" or "none": 0 or more.
CLI::Validator NonNegativeId();

}  // namespace tl::tools
