#include "server/report_params.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "ledger/domain/time_format.h"

namespace tl::server {
namespace {

using ledger::TimeNs;
using projections::GroupBy;
using projections::Interval;

bool Contains(const std::vector<std::string_view>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Join(const std::vector<std::string_view>& list) {
  std::string out;
  for (std::string_view v : list) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

Status Bad(std::string_view param, std::string_view why) {
  return Status::BadField(fmt::format("{}: {}", param, why));
}

Result<TimeNs> ParseTime(std::string_view param, std::string_view value) {
  auto t = ledger::ParseRfc3339(value);
  if (!t.ok()) return Bad(param, fmt::format("'{}' is not an RFC 3339 time", value));
  return *t;
}

GroupBy GroupByOf(std::string_view name) {
  if (name == "queue") return GroupBy::kQueue;
  if (name == "category") return GroupBy::kCategory;
  if (name == "month") return GroupBy::kMonth;
  return GroupBy::kService;
}

// A positive integer; `limit` is capped at kMaxLimit as the ticket list's is (docs/api.md).
Result<uint64_t> ParseCount(std::string_view param, std::string_view value) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return Bad(param, fmt::format("'{}' is not a non-negative integer", value));
  }
  return n;
}

constexpr uint64_t kMaxLimit = 1000;

}  // namespace

Result<std::optional<projections::AsOf>> ParsePastPoint(const QueryParams& query) {
  auto value = [&](std::string_view name) -> const std::string* {
    auto it = query.find(name);
    return it == query.end() || it->second.empty() ? nullptr : &it->second;
  };
  const std::string* as_of = value("as_of");
  const std::string* known_at = value("known_at");
  if (as_of && known_at) return Status::BadField("as_of and known_at cannot be combined");
  projections::AsOf point;
  if (as_of) {
    const bool digits =
        std::all_of(as_of->begin(), as_of->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      TL_ASSIGN_OR_RETURN(const uint64_t seq, ParseCount("as_of", *as_of));
      point.seq = ledger::Seq(seq);
      point.kind = projections::AsOf::Kind::kSeq;
    } else {
      auto t = ledger::ParseRfc3339(*as_of);
      if (!t.ok()) return Status::BadField("as_of must be a seq or an RFC 3339 time");
      point.kind = projections::AsOf::Kind::kOccurredAt;
      point.time = *t;
    }
    return std::optional(point);
  }
  if (known_at) {
    auto t = ledger::ParseRfc3339(*known_at);
    if (!t.ok()) return Status::BadField("known_at must be an RFC 3339 time");
    point.kind = projections::AsOf::Kind::kRecordedAt;
    point.time = *t;
    return std::optional(point);
  }
  return std::optional<projections::AsOf>();
}

Result<projections::ReportParams> ParseReportParams(std::string_view report_name,
                                                    const ReportSpec& spec,
                                                    const QueryParams& query) {
  projections::ReportParams p;
  if (!spec.group_by.empty()) p.group_by = GroupByOf(spec.group_by.front());
  // Reports that take a category filter default to support; the others count every category.
  if (Contains(spec.accepts, "category")) p.category = ledger::Category::kSupport;

  for (const auto& [name, value] : query) {
    if (name == "as_of" || name == "known_at") continue;  // every report's; ParsePastPoint
    if (!Contains(spec.accepts, name)) {
      return Bad(name, fmt::format("not a parameter of the {} report (it takes: {})", report_name,
                                   Join(spec.accepts)));
    }
    if (value.empty()) continue;
    if (name == "from") {
      TL_ASSIGN_OR_RETURN(p.window.from, ParseTime(name, value));
    } else if (name == "to") {
      TL_ASSIGN_OR_RETURN(p.window.to, ParseTime(name, value));
    } else if (name == "now") {
      TL_ASSIGN_OR_RETURN(p.now, ParseTime(name, value));
    } else if (name == "service") {
      p.service = value;
    } else if (name == "queue") {
      p.queue = value;
    } else if (name == "category") {
      if (value == "all") {
        p.category.reset();
      } else if (auto c = ledger::ParseCategory(value)) {
        p.category = *c;
      } else {
        return Bad(name, fmt::format("'{}' is not one of support, order, termination, incident, "
                                     "change, all",
                                     value));
      }
    } else if (name == "group_by") {
      if (!Contains(spec.group_by, value)) {
        return Bad(name, fmt::format("'{}' is not one of {}", value, Join(spec.group_by)));
      }
      p.group_by = GroupByOf(value);
    } else if (name == "interval") {
      if (value == "day") {
        p.interval = Interval::kDay;
      } else if (value == "week") {
        p.interval = Interval::kWeek;
      } else if (value == "month") {
        p.interval = Interval::kMonth;
      } else {
        return Bad(name, fmt::format("'{}' is not one of day, week, month", value));
      }
    } else if (name == "days") {
      int64_t days = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), days);
      // Beyond ~100,000 days the window's start leaves the range of representable times.
      if (ec != std::errc() || end != value.data() + value.size() || days < 1 || days > 100000) {
        return Bad(name, fmt::format("'{}' is not a whole number of days from 1 to 100000", value));
      }
      p.days = days;
    } else if (name == "limit") {
      TL_ASSIGN_OR_RETURN(const uint64_t limit, ParseCount(name, value));
      if (limit == 0) return Bad(name, "must be a positive integer");
      p.page.limit = static_cast<size_t>(std::min(limit, kMaxLimit));
    } else if (name == "after") {
      TL_ASSIGN_OR_RETURN(const uint64_t after, ParseCount(name, value));
      p.page.after = ledger::TicketId(after);
    }
  }
  if (p.window.from > p.window.to) return Bad("from", "must not be after to");
  return p;
}

}  // namespace tl::server
