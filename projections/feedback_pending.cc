#include "projections/feedback_pending.h"

#include <boost/json/array.hpp>

#include "ledger/domain/time_format.h"
#include "projections/model_support.h"

namespace tl::projections {

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
    out.PutVarint(id);
  }
}

void FeedbackPending::Decode(CheckpointReader& in) {
  const uint64_t n = in.GetCount();
  for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
    const ledger::TimeNs at = in.GetSigned();
    pending_.emplace(at, in.GetVarint());
  }
}

boost::json::object FeedbackPending::Query(ledger::TimeNs now) const {
  boost::json::array out;
  for (const auto& [resolved_at, id] : pending_) {
    const ledger::TimeNs due = resolved_at + kFeedbackDue;
    out.push_back(boost::json::object{{"id", id},
                                      {"resolved_at", ledger::FormatRfc3339(resolved_at)},
                                      {"due_at", ledger::FormatRfc3339(due)},
                                      {"overdue", now > due}});
  }
  return boost::json::object{{"now", ledger::FormatRfc3339(now)}, {"tickets", std::move(out)}};
}

}  // namespace tl::projections
