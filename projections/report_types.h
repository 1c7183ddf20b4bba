// The vocabulary of typed report queries (docs/projections.md, "Reports"): the parameters every
// report takes a subset of, the statistics several reports share, and the answer's envelope.
// Values only: no JSON, no URLs. The server parses query strings into ReportParams and writes
// the results as the API's JSON (server/report_params.h, server/report_json.h).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "ledger/domain/types.h"

namespace tl::projections {

// A half-open window of creation times; unbounded ends are the extremes of TimeNs.
struct Window {
  ledger::TimeNs from = std::numeric_limits<ledger::TimeNs>::min();
  ledger::TimeNs to = std::numeric_limits<ledger::TimeNs>::max();
  bool Contains(ledger::TimeNs t) const { return t >= from && t < to; }
  bool operator==(const Window&) const = default;
};

// A point in the past (docs/api.md "Looking into the past"): the events up to a seq (`as_of=N`),
// or those that occurred (`as_of=<time>`), or were recorded (`known_at=<time>`), at or before a
// time.
struct AsOf {
  enum class Kind { kSeq, kOccurredAt, kRecordedAt };
  Kind kind = Kind::kSeq;
  ledger::Seq seq{};
  ledger::TimeNs time = 0;
  bool operator==(const AsOf&) const = default;
};

// A page of a ticket list report (followups, feedback-pending; docs/api.md "Paging"): with a
// limit or an `after`, the tickets come in order of id, those with an id above `after`, at most
// `limit` of them. Applied by whoever serializes the report; the models ignore it.
struct Page {
  std::optional<size_t> limit;
  ledger::TicketId after{};
  bool paged() const { return limit || !after.is_zero(); }
  bool operator==(const Page&) const = default;
};

enum class GroupBy { kService, kQueue, kCategory, kMonth };
enum class Interval { kDay, kWeek, kMonth };

// The parameters of a report query. Each report reads the fields it takes and ignores the
// others; the caller fills in the defaults docs/api.md gives (server/report_params.h does).
struct ReportParams {
  Window window;  // from / to: [from, to) of created_at
  // The report's "now"; unset = the latest applied event's occurred_at (never the wall clock,
  // so two replays answer alike).
  std::optional<ledger::TimeNs> now;
  std::optional<std::string> service;
  std::optional<std::string> queue;
  // The category filter; std::nullopt = every category.
  std::optional<ledger::Category> category;
  GroupBy group_by = GroupBy::kService;
  Interval interval = Interval::kMonth;
  int64_t days = 100;  // the dashboard's: (now - days, now]
  Page page;
  bool operator==(const ReportParams&) const = default;
};

// Statistics of a set of durations: exact nearest-rank percentiles, the mean and the maximum.
// Every statistic of an empty set is nullopt.
struct DurationStats {
  uint64_t count = 0;
  std::optional<uint64_t> pending;  // only where the report counts tickets still waiting
  std::optional<int64_t> p50_ns, p90_ns, p95_ns;
  std::optional<double> mean_s;  // in seconds: a mean of nanoseconds needs no more precision
  std::optional<int64_t> max_ns;
  bool operator==(const DurationStats&) const = default;
};

// A report as of one applied seq: the seq lets a caller cache what it derives from the report
// until the next commit (server/report_bodies.h).
template <class Report>
struct ReportAnswer {
  ledger::Seq seq{};
  Report report;
};

}  // namespace tl::projections
