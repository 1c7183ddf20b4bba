// Report query strings -> typed report parameters (projections::ReportParams), for the API and
// `ticketledger replay --report`. Each report accepts the parameters docs/api.md lists for it and
// nothing else; an unknown parameter or a bad value is kBadField whose message starts with the
// parameter's name (the server answers 400 bad_field). An empty value counts as absent
// (`?queue=` = no filter).
#pragma once

#include <string_view>
#include <vector>

#include "ledger/domain/result.h"
#include "projections/report_types.h"
#include "server/http_message.h"

namespace tl::server {

// What one report takes: the names of its parameters (of from, to, now, service, queue,
// category, group_by, interval, days) and its group_by choices, the first being the default.
// A report that takes `category` defaults to category=support (docs/api.md); `category=all` is
// every category. The others count every category.
struct ReportSpec {
  std::vector<std::string_view> accepts;
  std::vector<std::string_view> group_by;
};

// The past point of a report or list query (docs/api.md "Looking into the past"): `as_of=<seq>`,
// `as_of=<RFC 3339>` or `known_at=<RFC 3339>`; nullopt when neither is given. Both, or a value that
// is neither, is kBadField.
Result<std::optional<projections::AsOf>> ParsePastPoint(const QueryParams& query);

// Parses `query` for the report `report_name` (named in messages) described by `spec`, filling
// in docs/api.md's defaults; `now` stays unset (the latest event's occurred_at). Every report also
// takes `as_of` and `known_at` (read by ParsePastPoint, skipped here); `limit` and `after` fill
// ReportParams::page for the reports whose spec accepts them.
Result<projections::ReportParams> ParseReportParams(std::string_view report_name,
                                                    const ReportSpec& spec,
                                                    const QueryParams& query);

}  // namespace tl::server
