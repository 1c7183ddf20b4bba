#include "projections/response_times.h"

#include <map>

#include "projections/duration_stats.h"
#include "projections/model_support.h"
#include "projections/period_cells.h"
#include "projections/ticket_index.h"

namespace tl::projections {

namespace {

class ResponseTimes : public ReadModel {
 public:
  explicit ResponseTimes(Names& names) : names_(names) {}
  std::string_view name() const override { return "response_times"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  using Report = ResponseTimesReport;
  Report Query(const ReportParams& params, const ReportScope& scope) const;

 private:
  struct Contribution {
    std::optional<int64_t> first_response;
    std::optional<int64_t> resolution;
    bool operator==(const Contribution&) const = default;
  };
  struct Cell {
    uint64_t tickets = 0;
    uint64_t pending = 0;
    SortedDurations first_response;
    SortedDurations resolution;
    void Add(const Contribution& c, int sign);
    // A ticket's contribution changed: only the values that differ move (a resolution leaves
    // the first response where it is, in a sorted array of a month's tickets).
    void Exchange(const Contribution& out, const Contribution& in);
    void Merge(const Cell& other);
    bool empty() const { return tickets == 0; }
  };
  static Contribution ContributionOf(const ledger::TicketState& t);

  Names& names_;
  PeriodCells<Cell> cells_;
};

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

ResponseTimesReport ResponseTimes::Query(const ReportParams& p, const ReportScope& scope) const {
  const TicketIndex& tickets = scope.tickets;
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

  ResponseTimesReport out;
  for (auto& [key, g] : groups) {
    out.groups.push_back(
        {key, g.tickets, g.first_response.Stats(g.pending), g.resolution.Stats(std::nullopt)});
  }
  return out;
}

}  // namespace

void RegisterResponseTimes(ModelRegistry& registry) { registry.Register<ResponseTimes>(); }

}  // namespace tl::projections
