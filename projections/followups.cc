#include "projections/followups.h"

#include <boost/json/array.hpp>

#include "ledger/domain/time_format.h"

namespace tl::projections {

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
    out.PutVarint(id);
  }
}

void Followups::Decode(CheckpointReader& in) {
  const uint64_t n = in.GetCount();
  for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
    const ledger::TimeNs at = in.GetSigned();
    stalled_.emplace(at, in.GetVarint());
  }
}

boost::json::object Followups::Query(ledger::TimeNs now, const TicketIndex& tickets) const {
  boost::json::array out;
  for (const auto& [at, id] : stalled_) {
    if (at >= now) break;
    const ledger::TicketState& t = *tickets.Find(id);
    out.push_back(boost::json::object{
        {"id", id},
        {"queue", t.queue},
        {"owner", t.owner.empty() ? boost::json::value(nullptr) : boost::json::value(t.owner)},
        {"awaiting", t.stalled->awaiting},
        {"follow_up_at", ledger::FormatRfc3339(at)}});
  }
  return boost::json::object{{"now", ledger::FormatRfc3339(now)}, {"tickets", std::move(out)}};
}

}  // namespace tl::projections
