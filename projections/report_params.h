// Report query parameters: parsed and validated in one place for the server and the replay
// tool. Each report accepts the parameters API.md lists for it and nothing else; an unknown
// parameter or a bad value is kBadField whose message starts with the parameter's name (the
// server answers 400 bad_field). An empty value counts as absent (`?queue=` = no filter).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/domain/types.h"
#include "projections/period_cells.h"
#include "projections/projections.h"

namespace tl::projections {

enum class ReportKind {
  kResponseTimes,
  kVolume,
  kDashboard,
  kWorkload,
  kMisroutes,
  kSatisfaction,
  kCompliance,
  kFollowups,
  kFeedbackPending,
};

// "response-times" -> kResponseTimes, ...; std::nullopt for an unknown name.
std::optional<ReportKind> ParseReportKind(std::string_view name);

enum class GroupBy { kService, kQueue, kCategory, kMonth };
enum class Interval { kDay, kWeek, kMonth };

struct ReportParams {
  Window window;  // from / to: [from, to) of created_at
  std::optional<ledger::TimeNs> now;
  std::optional<std::string> service;
  std::optional<std::string> queue;
  // The category filter; std::nullopt = every category (`category=all`, or a report that counts
  // all categories).
  std::optional<ledger::Category> category;
  GroupBy group_by = GroupBy::kService;
  Interval interval = Interval::kMonth;
  int64_t days = 100;
};

// Parses `params` for `report`, filling in API.md's defaults (category=support where API.md says
// so; `now` stays unset and the caller uses the latest event's occurred_at).
Result<ReportParams> ParseReportParams(ReportKind report, const QueryParams& params);

}  // namespace tl::projections
