// Timestamps of source systems: a format and a zone, compiled once per mapping, then parsed per
// row into UTC nanoseconds.
//
// Formats: "rfc3339" (any offset, fractions; the offset in the text wins over the zone), or a
// pattern of literal characters and fields: %Y year (4 digits), %m month, %d day, %H hour,
// %M minute, %S second (each 1 or 2 digits, so day-first "1/3/2016 9:05" parses), %f a
// fraction of a second (1-9 digits), %z an offset ("Z", "+02", "+0200", "+02:00"), %% a '%'.
// A space in the pattern matches one or more spaces. Zones: "UTC" or a fixed offset
// "+HH:MM"/"-HH:MM"; used when the text carries no offset. Named zones with daylight saving
// are not supported: the source's own offsets must carry DST (docs/import.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/domain/types.h"

namespace tl::tools::import {

class TimestampParser {
 public:
  TimestampParser() = default;  // RFC 3339, UTC
  // kBadField for an unknown field letter or an unsupported zone.
  static Result<TimestampParser> Create(std::string_view format, std::string_view zone);

  // kBadField naming the text when it does not match or names an impossible date or time
  // (31/2, 24:00, month 13).
  Result<ledger::TimeNs> Parse(std::string_view text) const;

 private:
  struct Piece {
    char field = 0;  // 0 = literal
    std::string literal;
  };
  bool rfc3339_ = true;
  int64_t zone_offset_seconds_ = 0;
  std::vector<Piece> pieces_;
};

// "+02:00", "-0130", "+02", "Z", "UTC" -> seconds east of UTC.
Result<int64_t> ParseUtcOffset(std::string_view text);

}  // namespace tl::tools::import
