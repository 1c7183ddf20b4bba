#include "projections/followups.h"

#include <set>
#include <utility>

#include "projections/read_model.h"
#include "projections/ticket_index.h"

namespace tl::projections {

namespace {

class Followups : public ReadModel {
 public:
  std::string_view name() const override { return "followups"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  using Report = FollowupsReport;
  Report Query(const ReportParams& params, const ReportScope& scope) const;

 private:
  using Entry = std::pair<ledger::TimeNs, ledger::TicketId>;  // (follow_up_at, id)
  static std::optional<Entry> EntryOf(const ledger::TicketState& t);

  std::set<Entry> stalled_;
};

std::optional<Followups::Entry> Followups::EntryOf(const ledger::TicketState& t) {
  if (t.status != ledger::TicketStatus::kStalled || !t.stalled || t.stalled->follow_up_at == 0) {
    return std::nullopt;
  }
  return Entry{t.stalled->follow_up_at, t.id};
}

void Followups::Apply(const Change& change) {
  if (!change.after) return;
  const auto was = EntryOf(*change.before), is = EntryOf(*change.after);
  if (was == is) return;
  if (was) stalled_.erase(*was);
  if (is) stalled_.insert(*is);
}

void Followups::Encode(CheckpointWriter& out) const {
  out.PutVarint(stalled_.size());
  for (const auto& [at, id] : stalled_) {
    out.PutSigned(at);
    out.PutVarint(id.value());
  }
}

void Followups::Decode(CheckpointReader& in) {
  const uint64_t n = in.GetCount();
  for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
    const ledger::TimeNs at = in.GetSigned();
    stalled_.emplace(at, in.GetVarint());
  }
}

FollowupsReport Followups::Query(const ReportParams&, const ReportScope& scope) const {
  FollowupsReport out{scope.now, {}};
  for (const auto& [at, id] : stalled_) {
    if (at >= scope.now) break;
    const ledger::TicketState& t = *scope.tickets.Find(id);
    out.tickets.push_back({id, t.queue,
                           t.owner.empty() ? std::nullopt : std::optional<std::string>(t.owner),
                           std::string(), at, t.version, t.erased});
  }
  return out;
}

}  // namespace

void RegisterFollowups(ModelRegistry& registry) { registry.Register<Followups>(); }

}  // namespace tl::projections
