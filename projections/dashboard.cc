#include "projections/dashboard.h"

#include <boost/json/array.hpp>
#include <limits>
#include <map>

#include "ledger/domain/time_format.h"
#include "projections/model_support.h"

namespace tl::projections {

using ledger::TicketState;

bool Dashboard::Counts(const TicketState& t) {
  return t.is_open() && t.category == ledger::Category::kSupport;
}

void Dashboard::Apply(const Change& change) {
  if (!change.after) return;
  const TicketState& before = *change.before;
  const TicketState& after = *change.after;
  const bool was = before.exists() && Counts(before), is = Counts(after);
  if (!was && !is) return;
  const GroupFields fields{.queue = true, .category = false};
  const GroupKey key = Narrow(change.after_group, fields);
  if (was && is) {
    const GroupKey old_key = Narrow(change.before_group, fields);
    if (old_key != key) cells_.Replace(after.created_at, old_key, 1, key, 1);
  } else if (was) {
    cells_.Add(before.created_at, Narrow(change.before_group, fields), 1, -1);
  } else {
    cells_.Add(after.created_at, key, 1, +1);
  }
}

void Dashboard::Encode(CheckpointWriter& out) const {
  cells_.Encode(out, names_, [](CheckpointWriter& w, const Cell& c) { w.PutVarint(c.open); });
}

void Dashboard::Decode(CheckpointReader& in) {
  cells_.Decode(in, names_, [](CheckpointReader& r) {
    Cell c{r.GetVarint()};
    if (c.open == 0) r.Fail("empty dashboard cell");
    return c;
  });
}

boost::json::object Dashboard::Query(const ReportParams& p, ledger::TimeNs now,
                                     const TicketIndex& tickets) const {
  struct Row {
    uint64_t total = 0;
    std::map<std::string, uint64_t> by_week;
  };
  std::map<std::string, Row> rows;
  uint64_t total = 0;
  // (now - days, now] as a half-open window of creation times.
  Window window;
  const ledger::TimeNs span = p.days * kNanosPerDay;  // days <= 100000: fits
  window.from = now < std::numeric_limits<ledger::TimeNs>::min() + span
                    ? std::numeric_limits<ledger::TimeNs>::min()
                    : now - span + 1;
  window.to = now == std::numeric_limits<ledger::TimeNs>::max() ? now : now + 1;
  const NameFilter queue(names_, p.queue);
  auto count = [&](const std::string& service, ledger::TimeNs created_at, uint64_t n) {
    Row& row = rows[service];
    row.total += n;
    row.by_week[ledger::IsoWeekKey(created_at)] += n;
    total += n;
  };
  cells_.Visit(
      window, Granularity::kDay,
      [&](int64_t day, const GroupKey& key, const Cell& cell) {
        if (queue.Matches(key.queue)) count(names_.Get(key.service), StartOfDay(day), cell.open);
      },
      [&](int64_t day) {
        for (ledger::TicketId id : tickets.CreatedOn(day)) {
          const TicketState& t = *tickets.Find(id);
          if (window.Contains(t.created_at) && Counts(t) && queue.Matches(t.queue)) {
            count(t.service, t.created_at, 1);
          }
        }
      });
  boost::json::array out;
  for (const auto& [service, row] : rows) {
    boost::json::object by_week;
    for (const auto& [week, n] : row.by_week) by_week[week] = n;
    out.push_back(boost::json::object{
        {"service", service}, {"total", row.total}, {"by_week", std::move(by_week)}});
  }
  return boost::json::object{
      {"now", ledger::FormatRfc3339(now)}, {"total", total}, {"rows", std::move(out)}};
}

}  // namespace tl::projections
