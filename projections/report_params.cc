#include "projections/report_params.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>

#include "ledger/domain/time_format.h"

namespace tl::projections {
namespace {

using ledger::TimeNs;

struct Spec {
  std::string_view name;
  ReportKind kind;
  std::initializer_list<std::string_view> accepted;
  std::initializer_list<std::string_view> group_by;  // the first is the default
};

const Spec kSpecs[] = {
    {"response-times",
     ReportKind::kResponseTimes,
     {"from", "to", "service", "queue", "category", "group_by"},
     {"service", "queue", "month"}},
    {"volume",
     ReportKind::kVolume,
     {"from", "to", "category", "group_by", "interval"},
     {"service", "queue", "category"}},
    {"dashboard", ReportKind::kDashboard, {"days", "queue", "now"}, {}},
    {"workload", ReportKind::kWorkload, {"queue", "now"}, {}},
    {"misroutes", ReportKind::kMisroutes, {"from", "to"}, {}},
    {"satisfaction", ReportKind::kSatisfaction, {"from", "to", "group_by"}, {"service", "queue"}},
    {"compliance", ReportKind::kCompliance, {"from", "to", "group_by"}, {"service", "queue"}},
    {"followups", ReportKind::kFollowups, {"now"}, {}},
    {"feedback-pending", ReportKind::kFeedbackPending, {"now"}, {}},
};

const Spec& SpecOf(ReportKind kind) {
  for (const Spec& s : kSpecs) {
    if (s.kind == kind) return s;
  }
  return kSpecs[0];  // unreachable: every kind has a spec
}

bool Contains(std::initializer_list<std::string_view> list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Join(std::initializer_list<std::string_view> list) {
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

}  // namespace

std::optional<ReportKind> ParseReportKind(std::string_view name) {
  for (const Spec& s : kSpecs) {
    if (s.name == name) return s.kind;
  }
  return std::nullopt;
}

Result<ReportParams> ParseReportParams(ReportKind report, const QueryParams& params) {
  const Spec& spec = SpecOf(report);
  ReportParams p;
  if (spec.group_by.size() != 0) p.group_by = GroupByOf(*spec.group_by.begin());
  // Reports that take a category filter default to support; the others count every category.
  if (Contains(spec.accepted, "category")) p.category = ledger::Category::kSupport;

  for (const auto& [name, value] : params) {
    if (!Contains(spec.accepted, name)) {
      return Bad(name, fmt::format("not a parameter of the {} report (it takes: {})", spec.name,
                                   Join(spec.accepted)));
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
    }
  }
  if (p.window.from > p.window.to) return Bad("from", "must not be after to");
  return p;
}

}  // namespace tl::projections
