#include "projections/projections.h"

#include <fmt/format.h>

#include <mutex>
#include <shared_mutex>

#include "projections/ticket_index.h"

namespace tl::projections {

using namespace tl::ledger;

struct Projections::Impl {
  explicit Impl(EventLog& l, Options o) : log(l), options(std::move(o)) {}

  // Folds a commit's events into every read model. Caller holds mu exclusively.
  void ApplyLocked(const std::vector<Event>& events) {
    std::shared_ptr<ReferenceData> new_reference;  // copy-on-write: readers keep their snapshot
    for (const Event& e : events) {
      if (e.seq != applied + 1) {
        // The log hands commits over in order; a gap means a bug, and a read model built over
        // a gap would be silently wrong, so stop applying and say so (readiness fails).
        if (broken.empty()) {
          broken = fmt::format("projections expected seq {} but got seq {}", applied + 1, e.seq);
        }
        return;
      }
      if (e.stream.is_ticket()) {
        tickets.Apply(e);
      } else {
        if (!new_reference) new_reference = std::make_shared<ReferenceData>(*reference);
        ApplyToReference(*new_reference, e);
      }
      applied = e.seq;
      latest_occurred = std::max(latest_occurred, e.occurred_at);
      ++events_total;
    }
    if (new_reference) reference = std::move(new_reference);
  }

  EventLog& log;
  Options options;
  mutable std::shared_mutex mu;
  TicketIndex tickets;
  std::shared_ptr<const ReferenceData> reference = std::make_shared<ReferenceData>();
  Seq applied = 0;
  TimeNs latest_occurred = 0;
  uint64_t events_total = 0;
  std::string broken;  // why applying stopped; empty while healthy
};

Projections::Projections(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Projections::~Projections() = default;

Result<std::unique_ptr<Projections>> Projections::Open(EventLog& log, Options options,
                                                       bool attach) {
  auto impl = std::make_unique<Impl>(log, std::move(options));
  Impl& m = *impl;
  Seq target = log.Head().seq;
  if (m.options.to_seq) target = std::min(target, *m.options.to_seq);

  std::vector<Event> chunk;
  bool stop = false;
  auto flush = [&] {
    std::unique_lock lock(m.mu);
    m.ApplyLocked(chunk);
    chunk.clear();
    if (m.options.progress) m.options.progress(m.applied, target);
  };
  Status scanned = log.Scan(m.applied + 1, target, [&](const StoredEvent& e) {
    if (m.options.to_time && e.event.recorded_at > *m.options.to_time) {
      stop = true;
      return Status::Corruption("stop");  // ends the scan; not an error (see below)
    }
    chunk.push_back(e.event);
    if (chunk.size() == 8192) flush();
    return Status::Ok();
  });
  if (!scanned.ok() && !stop) return scanned;
  flush();
  if (!m.broken.empty()) return Status::Internal(m.broken);

  auto projections = std::unique_ptr<Projections>(new Projections(std::move(impl)));
  if (attach) {
    Projections* self = projections.get();
    log.SetCommitListener([self](const std::vector<Event>& events) { self->Apply(events); });
  }
  return projections;
}

void Projections::Apply(const std::vector<Event>& events) {
  std::unique_lock lock(impl_->mu);
  impl_->ApplyLocked(events);
}

Result<TicketState> Projections::LoadTicket(TicketId id) {
  std::shared_lock lock(impl_->mu);
  const TicketState* t = impl_->tickets.Find(id);
  return t ? *t : TicketState{};
}

Result<std::shared_ptr<const ReferenceData>> Projections::LoadReference() {
  std::shared_lock lock(impl_->mu);
  return impl_->reference;
}

Seq Projections::applied_seq() const {
  std::shared_lock lock(impl_->mu);
  return impl_->applied;
}

TimeNs Projections::latest_occurred_at() const {
  std::shared_lock lock(impl_->mu);
  return impl_->latest_occurred;
}

Status Projections::Checkpoint() { return Status::Ok(); }

std::optional<TicketState> Projections::Ticket(TicketId id) const {
  std::shared_lock lock(impl_->mu);
  const TicketState* t = impl_->tickets.Find(id);
  return t ? std::optional<TicketState>(*t) : std::nullopt;
}

TicketPage Projections::ListTickets(const TicketFilter& filter) const {
  std::shared_lock lock(impl_->mu);
  return impl_->tickets.List(filter);
}

std::shared_ptr<const ReferenceData> Projections::Reference() const {
  std::shared_lock lock(impl_->mu);
  return impl_->reference;
}

const std::vector<std::string>& Projections::ReportNames() {
  static const std::vector<std::string> kNames = {
      "response-times", "volume",     "dashboard", "workload",        "misroutes",
      "satisfaction",   "compliance", "followups", "feedback-pending"};
  return kNames;
}

Result<boost::json::object> Projections::Report(std::string_view name,
                                                const QueryParams& params) const {
  (void)params;
  return Status::NotFound(fmt::format("no report named '{}'", name));
}

void Projections::WriteMetrics(std::string* out) const {
  std::shared_lock lock(impl_->mu);
  *out += "# HELP ticketledger_events_total Events in the ledger.\n";
  *out += "# TYPE ticketledger_events_total counter\n";
  *out += fmt::format("ticketledger_events_total {}\n", impl_->events_total);
}

Result<TicketState> TicketAsOf(const EventLog& log, TicketId id, const AsOf& as_of) {
  TL_ASSIGN_OR_RETURN(auto events, log.ReadStream(StreamId::Ticket(id)));
  TicketState state;
  for (const StoredEvent& stored : events) {
    const Event& e = stored.event;
    const bool included = as_of.kind == AsOf::Kind::kSeq          ? e.seq <= as_of.seq
                          : as_of.kind == AsOf::Kind::kOccurredAt ? e.occurred_at <= as_of.time
                                                                  : e.recorded_at <= as_of.time;
    // Within a ticket, seq, recorded_at and (by the time_goes_backwards rule) occurred_at all
    // grow with the version, so the included events are a prefix of the stream.
    if (!included) break;
    ApplyToTicket(state, e);
  }
  if (!state.exists()) {
    return Status::NotFound(fmt::format("ticket {} did not exist then", id));
  }
  return state;
}

}  // namespace tl::projections
