#include "projections/response_times.h"

#include <boost/json/array.hpp>
#include <map>

#include "projections/model_support.h"

namespace tl::projections {

using ledger::TicketState;

ResponseTimes::Contribution ResponseTimes::ContributionOf(const TicketState& t) {
  Contribution c;
  if (t.first_response_at) c.first_response = *t.first_response_at - t.created_at;
  if (t.status == ledger::TicketStatus::kResolved && t.resolution_ns) {
    c.resolution = *t.resolution_ns;
  }
  return c;
}

void ResponseTimes::Cell::Add(const Contribution& c, int sign) {
  tickets += sign;
  if (!c.first_response) pending += sign;
  auto update = [sign](SortedDurations& values, const std::optional<int64_t>& v) {
    if (!v) return;
    if (sign > 0) {
      values.Insert(*v);
    } else {
      values.Erase(*v);
    }
  };
  update(first_response, c.first_response);
  update(resolution, c.resolution);
}

void ResponseTimes::Cell::Exchange(const Contribution& out, const Contribution& in) {
  if (!out.first_response) --pending;
  if (!in.first_response) ++pending;
  auto exchange = [](SortedDurations& values, const std::optional<int64_t>& from,
                     const std::optional<int64_t>& to) {
    if (from == to) return;
    if (from) values.Erase(*from);
    if (to) values.Insert(*to);
  };
  exchange(first_response, out.first_response, in.first_response);
  exchange(resolution, out.resolution, in.resolution);
}

void ResponseTimes::Cell::Merge(const Cell& other) {
  tickets += other.tickets;
  pending += other.pending;
  first_response.Merge(other.first_response);
  resolution.Merge(other.resolution);
}

void ResponseTimes::Apply(const Change& change) {
  if (!change.after) return;
  const TicketState& before = *change.before;
  const TicketState& after = *change.after;
  const Contribution now = ContributionOf(after);
  const GroupKey key = Narrow(change.after_group);
  if (!before.exists()) {
    cells_.Add(after.created_at, key, now, +1);
    return;
  }
  const Contribution was = ContributionOf(before);
  const GroupKey old_key = Narrow(change.before_group);
  if (was == now && old_key == key) return;
  cells_.Replace(after.created_at, old_key, was, key, now);
}

void ResponseTimes::Encode(CheckpointWriter& out) const {
  cells_.Encode(out, names_, [](CheckpointWriter& w, const Cell& cell) {
    w.PutVarint(cell.tickets);
    w.PutVarint(cell.pending);
    cell.first_response.Encode(w);
    cell.resolution.Encode(w);
  });
}

void ResponseTimes::Decode(CheckpointReader& in) {
  cells_.Decode(in, names_, [](CheckpointReader& r) {
    Cell cell;
    cell.tickets = r.GetVarint();
    cell.pending = r.GetVarint();
    cell.first_response.Decode(r);
    cell.resolution.Decode(r);
    if (cell.tickets == 0 || cell.pending > cell.tickets ||
        cell.first_response.values().size() + cell.pending != cell.tickets ||
        cell.resolution.values().size() > cell.tickets) {
      r.Fail("response-time cell counts disagree");
    }
    return cell;
  });
}

boost::json::object ResponseTimes::Query(const ReportParams& p, const TicketIndex& tickets) const {
  struct Group {
    uint64_t tickets = 0;
    uint64_t pending = 0;
    DurationSelection first_response;
    DurationSelection resolution;
  };
  std::map<std::string, Group> groups;
  const NameFilter service(names_, p.service), queue(names_, p.queue);
  auto matches = [&](const GroupKey& k) {
    return service.Matches(k.service) && queue.Matches(k.queue) &&
           (!p.category || *p.category == k.category);
  };
  cells_.Visit(
      p.window, Granularity::kMonth,
      [&](int64_t first_day, const GroupKey& key, const Cell& cell) {
        if (!matches(key)) return;
        Group& g = groups[GroupName(p.group_by, key, names_, first_day)];
        g.tickets += cell.tickets;
        g.pending += cell.pending;
        g.first_response.AddCell(cell.first_response);
        g.resolution.AddCell(cell.resolution);
      },
      [&](int64_t day) {
        for (ledger::TicketId id : tickets.CreatedOn(day)) {
          const TicketState& t = *tickets.Find(id);
          if (!p.window.Contains(t.created_at)) continue;
          if (!service.Matches(t.service) || !queue.Matches(t.queue) ||
              (p.category && *p.category != t.category)) {
            continue;
          }
          Group& g = groups[GroupName(p.group_by, t)];
          const Contribution c = ContributionOf(t);
          ++g.tickets;
          if (c.first_response) {
            g.first_response.AddValue(*c.first_response);
          } else {
            ++g.pending;
          }
          if (c.resolution) g.resolution.AddValue(*c.resolution);
        }
      });

  boost::json::array out;
  for (auto& [key, g] : groups) {
    boost::json::object first_response;
    g.first_response.WriteJson(first_response, g.pending);
    boost::json::object resolution;
    g.resolution.WriteJson(resolution, std::nullopt);
    out.push_back(boost::json::object{{"key", key},
                                      {"tickets", g.tickets},
                                      {"first_response", std::move(first_response)},
                                      {"resolution", std::move(resolution)}});
  }
  return boost::json::object{{"groups", std::move(out)}};
}

}  // namespace tl::projections
