// How the log's table files are compressed (docs/operations.md, "Compression of the log"). Only
// table files written after a change take the new setting, so a ledger may hold files of
// several. None by default: events are small and their personal fields sealed, random bytes.
#pragma once

#include <cstdint>
#include <string_view>

#include "ledger/domain/result.h"

namespace tl::ledger {

enum class TableCompression : uint8_t { kNone, kSnappy, kLz4, kZstd };

// "none", "snappy", "lz4", "zstd". kBadField for another name, or for a compression this build
// of RocksDB cannot write.
Result<TableCompression> ParseTableCompression(std::string_view name);

}  // namespace tl::ledger
