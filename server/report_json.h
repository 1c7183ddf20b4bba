// The API's JSON for the typed reports of projections/ (docs/api.md "Reports",
// docs/projections.md): one ToJson per report type, giving exactly the body `GET
// /api/v1/reports/...` answers: the keys in the contract's order, times in RFC 3339, durations in
// seconds (an integer when whole), null for a statistic of an empty set and for an unowned ticket.
// `ticketledger replay --report` prints the same bodies.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "projections/compliance.h"
#include "projections/dashboard.h"
#include "projections/feedback_pending.h"
#include "projections/followups.h"
#include "projections/misroutes.h"
#include "projections/report_types.h"
#include "projections/response_times.h"
#include "projections/satisfaction.h"
#include "projections/support_volume.h"
#include "projections/workload.h"

namespace tl::server {

// A JSON number: an integer when whole (Boost.JSON would write 3600.0 as 3.6E3), else a double.
boost::json::value NumberJson(double value);
// Nanoseconds as seconds, a JSON number.
boost::json::value NanosAsSecondsJson(int64_t ns);
// {"count", "pending" (when set), "p50_s", "p90_s", "p95_s", "mean_s", "max_s"}.
boost::json::object DurationStatsJson(const projections::DurationStats& stats);

boost::json::object ToJson(const projections::ResponseTimesReport& report);
boost::json::object ToJson(const projections::VolumeReport& report);
boost::json::object ToJson(const projections::DashboardReport& report);
boost::json::object ToJson(const projections::WorkloadReport& report);
boost::json::object ToJson(const projections::MisroutesReport& report);
boost::json::object ToJson(const projections::SatisfactionReport& report);
boost::json::object ToJson(const projections::ComplianceReport& report);
boost::json::object ToJson(const projections::FollowupsReport& report);
boost::json::object ToJson(const projections::FeedbackPendingReport& report);

// Adds the past point an answer was computed for (docs/api.md "Looking into the past"):
// `"as_of": <seq>`, `"as_of": "<RFC 3339>"` or `"known_at": "<RFC 3339>"`.
void AddPastPoint(boost::json::object& body, const projections::AsOf& point);

}  // namespace tl::server
