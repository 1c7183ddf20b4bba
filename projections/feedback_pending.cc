#include "projections/feedback_pending.h"

#include <set>
#include <utility>

#include "projections/model_support.h"
#include "projections/read_model.h"

namespace tl::projections {

namespace {

class FeedbackPending : public ReadModel {
 public:
  std::string_view name() const override { return "feedback_pending"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  using Report = FeedbackPendingReport;
  Report Query(const ReportParams& params, const ReportScope& scope) const;

 private:
  using Entry = std::pair<ledger::TimeNs, ledger::TicketId>;  // (resolved_at, id)
  static std::optional<Entry> EntryOf(const ledger::TicketState& t);

  std::set<Entry> pending_;
};

std::optional<FeedbackPending::Entry> FeedbackPending::EntryOf(const ledger::TicketState& t) {
  if (t.status != ledger::TicketStatus::kResolved || !t.resolved_at || t.invited_since_resolution) {
    return std::nullopt;
  }
  return Entry{*t.resolved_at, t.id};
}

void FeedbackPending::Apply(const Change& change) {
  if (!change.after) return;
  const auto was = EntryOf(*change.before), is = EntryOf(*change.after);
  if (was == is) return;
  if (was) pending_.erase(*was);
  if (is) pending_.insert(*is);
}

void FeedbackPending::Encode(CheckpointWriter& out) const {
  out.PutVarint(pending_.size());
  for (const auto& [at, id] : pending_) {
    out.PutSigned(at);
    out.PutVarint(id.value());
  }
}

void FeedbackPending::Decode(CheckpointReader& in) {
  const uint64_t n = in.GetCount();
  for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
    const ledger::TimeNs at = in.GetSigned();
    pending_.emplace(at, in.GetVarint());
  }
}

FeedbackPendingReport FeedbackPending::Query(const ReportParams&, const ReportScope& scope) const {
  FeedbackPendingReport out{scope.now, {}};
  for (const auto& [resolved_at, id] : pending_) {
    const ledger::TimeNs due = resolved_at + kFeedbackDue;
    out.tickets.push_back({id, resolved_at, due, scope.now > due});
  }
  return out;
}

}  // namespace

void RegisterFeedbackPending(ModelRegistry& registry) { registry.Register<FeedbackPending>(); }

}  // namespace tl::projections
