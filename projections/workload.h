// Workload (API.md `GET /api/v1/reports/workload`): open tickets of every category per current
// queue and owner, each group's tickets kept ordered by creation so the oldest is at hand.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "projections/read_model.h"
#include "projections/report_params.h"

namespace tl::projections {

class Workload : public ReadModel {
 public:
  explicit Workload(Names& names) : names_(names) {}
  std::string_view name() const override { return "workload"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  boost::json::object Query(const ReportParams& params, ledger::TimeNs now) const;

 private:
  using Group = std::pair<NameId, NameId>;  // (queue, owner); owner 0 = "" = unowned
  // By created_at, then id. A sorted vector, not a std::set: a group holds the open tickets of
  // one queue and owner, tens to hundreds, and a search over contiguous memory costs a cache
  // line or two where each level of a tree was a miss (perf: the sets were an eighth of the
  // fold). A group of n tickets costs O(n) moves per change, tolerable into the tens of
  // thousands.
  using Tickets = std::vector<std::pair<ledger::TimeNs, ledger::TicketId>>;
  // `queue` and `owner` are the ticket's, interned (from the change).
  void Update(const ledger::TicketState& t, NameId queue, NameId owner, int sign);

  struct GroupHash {
    size_t operator()(const Group& g) const {
      return std::hash<uint64_t>()(uint64_t{g.first} << 32 | g.second);
    }
  };

  Names& names_;
  // Hashed: every change of a ticket's queue, owner or openness looks its groups up (an ordered
  // map's search was a third of this model's replay cost); outputs sort by name anyway.
  std::unordered_map<Group, Tickets, GroupHash> groups_;
};

}  // namespace tl::projections
