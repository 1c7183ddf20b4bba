#include "server/report_json.h"

#include <boost/json/array.hpp>
#include <cmath>

#include "ledger/domain/time_format.h"

namespace tl::server {

namespace json = boost::json;
using ledger::FormatRfc3339;
using ledger::kNanosPerSecond;

namespace {

json::value Nullable(const std::optional<int64_t>& ns) {
  return ns ? NanosAsSecondsJson(*ns) : json::value(nullptr);
}

json::value Nullable(const std::optional<double>& number) {
  return number ? NumberJson(*number) : json::value(nullptr);
}

json::value OwnerJson(const std::optional<std::string>& owner) {
  return owner ? json::value(*owner) : json::value(nullptr);
}

// A group's key. Only a ticket opened by mail and not yet classified has an empty one (no
// service): reports group those under null (docs/api.md, "Mail").
json::value KeyJson(const std::string& key) {
  return key.empty() ? json::value(nullptr) : json::value(key);
}

json::object CountsJson(const std::map<std::string, uint64_t>& counts) {
  json::object o;
  for (const auto& [key, n] : counts) o[key] = n;
  return o;
}

}  // namespace

json::value NumberJson(double value) {
  if (std::trunc(value) == value && std::fabs(value) < 9.0e15) {
    return static_cast<int64_t>(value);
  }
  return value;
}

json::value NanosAsSecondsJson(int64_t ns) {
  if (ns % kNanosPerSecond == 0) return ns / kNanosPerSecond;
  return static_cast<double>(ns) / kNanosPerSecond;
}

json::object DurationStatsJson(const projections::DurationStats& s) {
  json::object o;
  o["count"] = s.count;
  if (s.pending) o["pending"] = *s.pending;
  o["p50_s"] = Nullable(s.p50_ns);
  o["p90_s"] = Nullable(s.p90_ns);
  o["p95_s"] = Nullable(s.p95_ns);
  o["mean_s"] = Nullable(s.mean_s);
  o["max_s"] = Nullable(s.max_ns);
  return o;
}

json::object ToJson(const projections::ResponseTimesReport& report) {
  json::array groups;
  for (const auto& g : report.groups) {
    groups.push_back(json::object{{"key", KeyJson(g.key)},
                                  {"tickets", g.tickets},
                                  {"first_response", DurationStatsJson(g.first_response)},
                                  {"resolution", DurationStatsJson(g.resolution)}});
  }
  return json::object{{"groups", std::move(groups)}};
}

json::object ToJson(const projections::VolumeReport& report) {
  json::array groups;
  for (const auto& g : report.groups) {
    json::array keywords;
    for (const auto& k : g.top_keywords) {
      keywords.push_back(json::object{{"keyword", k.keyword}, {"count", k.count}});
    }
    groups.push_back(json::object{{"key", KeyJson(g.key)},
                                  {"total", g.total},
                                  {"by_interval", CountsJson(g.by_interval)},
                                  {"top_keywords", std::move(keywords)}});
  }
  return json::object{{"groups", std::move(groups)}};
}

json::object ToJson(const projections::DashboardReport& report) {
  json::array rows;
  for (const auto& r : report.rows) {
    rows.push_back(json::object{
        {"service", KeyJson(r.service)}, {"total", r.total}, {"by_week", CountsJson(r.by_week)}});
  }
  return json::object{
      {"now", FormatRfc3339(report.now)}, {"total", report.total}, {"rows", std::move(rows)}};
}

json::object ToJson(const projections::WorkloadReport& report) {
  json::array groups;
  for (const auto& g : report.groups) {
    groups.push_back(json::object{
        {"queue", g.queue},
        {"owner", OwnerJson(g.owner)},
        {"open", g.open},
        {"oldest_created_at", FormatRfc3339(g.oldest_created_at)},
        {"oldest_age_s", NanosAsSecondsJson(g.oldest_age_ns)},
    });
  }
  return json::object{{"now", FormatRfc3339(report.now)}, {"groups", std::move(groups)}};
}

json::object ToJson(const projections::MisroutesReport& report) {
  json::array groups;
  for (const auto& g : report.groups) {
    groups.push_back(json::object{
        {"service", KeyJson(g.service)}, {"from_queue", g.from_queue}, {"count", g.count}});
  }
  return json::object{{"groups", std::move(groups)}};
}

json::object ToJson(const projections::SatisfactionReport& report) {
  json::array groups;
  for (const auto& g : report.groups) {
    groups.push_back(json::object{
        {"key", KeyJson(g.key)},
        {"feedback", g.feedback},
        {"mean_score", Nullable(g.mean_score)},
        {"invited", g.invited},
        {"invited_within_2h", g.invited_within_2h},
        {"invited_within_2h_share", Nullable(g.invited_within_2h_share)},
    });
  }
  return json::object{{"groups", std::move(groups)}};
}

json::object ToJson(const projections::ComplianceReport& report) {
  json::array groups;
  for (const auto& g : report.groups) {
    groups.push_back(json::object{
        {"key", KeyJson(g.key)},
        {"resolved", g.resolved},
        {"resolved_with_solution", g.resolved_with_solution},
        {"stalls", g.stalls},
        {"stalls_with_follow_up", g.stalls_with_follow_up},
        {"assignments", g.assignments},
        {"assignments_in_queue", g.assignments_in_queue},
        {"invited", g.invited},
        {"invited_within_2h", g.invited_within_2h},
    });
  }
  return json::object{{"groups", std::move(groups)}};
}

json::object ToJson(const projections::FollowupsReport& report) {
  json::array tickets;
  for (const auto& t : report.tickets) {
    tickets.push_back(json::object{{"id", t.id.value()},
                                   {"queue", t.queue},
                                   {"owner", OwnerJson(t.owner)},
                                   {"awaiting", t.awaiting},
                                   {"follow_up_at", FormatRfc3339(t.follow_up_at)}});
  }
  return json::object{{"now", FormatRfc3339(report.now)}, {"tickets", std::move(tickets)}};
}

json::object ToJson(const projections::FeedbackPendingReport& report) {
  json::array tickets;
  for (const auto& t : report.tickets) {
    tickets.push_back(json::object{{"id", t.id.value()},
                                   {"resolved_at", FormatRfc3339(t.resolved_at)},
                                   {"due_at", FormatRfc3339(t.due_at)},
                                   {"overdue", t.overdue}});
  }
  return json::object{{"now", FormatRfc3339(report.now)}, {"tickets", std::move(tickets)}};
}

void AddPastPoint(json::object& body, const projections::AsOf& point) {
  using Kind = projections::AsOf::Kind;
  switch (point.kind) {
    case Kind::kSeq:
      body["as_of"] = point.seq.value();
      break;
    case Kind::kOccurredAt:
      body["as_of"] = FormatRfc3339(point.time);
      break;
    case Kind::kRecordedAt:
      body["known_at"] = FormatRfc3339(point.time);
      break;
  }
}

}  // namespace tl::server
