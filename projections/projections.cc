#include "projections/projections.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "ledger/store/hash_chain.h"
#include "projections/checkpointing.h"
#include "projections/metrics.h"
#include "projections/past_points.h"
#include "projections/projector.h"
#include "projections/ticket_texts.h"

namespace tl::projections {

using namespace tl::ledger;

// Declared in this order so that they are destroyed in the reverse one: the checkpointer (and
// its background thread) before the projector, the projector before the registry it reads.
struct Projections::Impl {
  Impl(EventLog& l, ModelRegistry m, Options o)
      : log(l), registry(std::move(m)), options(std::move(o)) {}

  EventLog& log;
  const ModelRegistry registry;
  const Options options;
  std::unique_ptr<Projector> projector;
  LoadedSeqs loaded;  // what Open loaded (CheckpointInfo); written once, before sharing
  std::unique_ptr<PastPoints> past;  // only for the live projections (attached)
  std::unique_ptr<ReportService> reports;
  std::unique_ptr<Checkpointer> checkpointer;
  std::optional<size_t> metrics;  // the metrics model's position in the registry
};

Projections::Projections(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Projections::~Projections() = default;

Result<std::unique_ptr<Projections>> Projections::Open(EventLog& log, ModelRegistry models,
                                                       Options options, bool attach) {
  auto impl = std::make_unique<Impl>(log, std::move(models), std::move(options));
  Impl& m = *impl;
  TL_ASSIGN_OR_RETURN(m.projector, BuildProjector(log, m.registry, m.options, nullptr, &m.loaded));
  // A past point's own projections need no past points of their own.
  if (attach) m.past = std::make_unique<PastPoints>(log, m.registry);
  m.reports = std::make_unique<ReportService>(log, *m.projector, m.registry, m.past.get());
  m.checkpointer = std::make_unique<Checkpointer>(log, m.registry, m.options);
  m.metrics = m.registry.IndexOfModel(typeid(Metrics));
  const bool checkpoints = m.options.use_checkpoints && !m.options.to_seq && !m.options.to_time;
  if (checkpoints) {
    // Save the catch-up's work for the next start when it was long or rebuilt a model.
    Seq oldest = m.loaded.tickets;
    for (Seq s : m.loaded.models) oldest = std::min(oldest, s);
    const Seq applied = m.projector->state().applied;
    if (applied > oldest &&
        (applied.value() - oldest.value() >= m.options.checkpoint_every || oldest.is_zero())) {
      Status saved = m.checkpointer->SaveNow(*m.projector);
      if (!saved.ok() && m.options.note) {
        m.options.note("checkpoint after catch-up not written: " + saved.ToString());
      }
    }
  }
  auto projections = std::unique_ptr<Projections>(new Projections(std::move(impl)));
  if (attach) {
    std::shared_ptr<StopBackgroundOnRelease> background;
    if (checkpoints && m.options.checkpoint_every > 0) {
      background = m.checkpointer->StartBackground(*m.projector);
    }
    // The listener holds the background thread too: the log destroys its listener before it
    // closes its database (ledger/store/event_log_impl.h), which stops the thread in time even
    // when the log goes first.
    Projector* projector = m.projector.get();
    log.SetCommitListener(
        [projector, background](const std::vector<Event>& events) { projector->Apply(events); });
  }
  return projections;
}

void Projections::Apply(const std::vector<Event>& events) { impl_->projector->Apply(events); }

Result<TicketState> Projections::LoadTicket(TicketId id) const {
  std::shared_lock lock(impl_->projector->mutex());
  const TicketState* t = impl_->projector->state().tickets.Find(id);
  return t ? *t : TicketState{};
}

Result<std::shared_ptr<const ReferenceData>> Projections::LoadReference() const {
  return Reference();
}

Seq Projections::applied_seq() const {
  std::shared_lock lock(impl_->projector->mutex());
  return impl_->projector->state().applied;
}

uint64_t Projections::Lag() const {
  // The applied seq first: the head only grows, so the lag is never negative.
  const Seq applied = applied_seq();
  const Seq head = impl_->log.Head().seq;
  return head > applied ? head.value() - applied.value() : 0;
}

TimeNs Projections::latest_occurred_at() const {
  std::shared_lock lock(impl_->projector->mutex());
  return impl_->projector->state().latest_occurred;
}

Status Projections::Checkpoint() { return impl_->checkpointer->SaveNow(*impl_->projector); }

CheckpointInfo Projections::checkpoint_info() const {
  const Impl& m = *impl_;
  CheckpointInfo info;
  info.models.push_back({std::string(kTicketModel), kTicketModelVersion, m.loaded.tickets});
  const FoldState& s = m.projector->state();  // the models' names and versions never change
  for (size_t i = 0; i < s.models.size(); ++i) {
    info.models.push_back(
        {std::string(s.models[i]->name()), s.models[i]->version(), m.loaded.models[i]});
  }
  const Checkpointer::Info written = m.checkpointer->info();
  info.written = written.written;
  info.last_written_seq = written.last_written_seq;
  info.last_write_seconds = written.last_write_seconds;
  return info;
}

std::map<std::string, std::string> Projections::StateDigests() const {
  std::vector<EncodedModel> encoded;
  {
    std::shared_lock lock(impl_->projector->mutex());
    encoded = EncodeAll(*impl_->projector);
  }
  std::map<std::string, std::string> digests;
  for (const EncodedModel& e : encoded) digests[e.name] = HashToHex(Sha256({e.body}));
  return digests;
}

std::optional<TicketState> Projections::Ticket(TicketId id) const {
  std::shared_lock lock(impl_->projector->mutex());
  const TicketState* t = impl_->projector->state().tickets.Find(id);
  return t ? std::optional<TicketState>(*t) : std::nullopt;
}

size_t Projections::ticket_count() const {
  std::shared_lock lock(impl_->projector->mutex());
  return impl_->projector->state().tickets.size();
}

TicketPage Projections::ListTickets(const TicketFilter& filter) const {
  std::shared_lock lock(impl_->projector->mutex());
  return impl_->projector->state().tickets.List(filter);
}

std::shared_ptr<const ReferenceData> Projections::Reference() const {
  std::shared_lock lock(impl_->projector->mutex());
  return impl_->projector->state().reference;
}

Result<TicketState> Projections::TicketAsOf(TicketId id, const AsOf& as_of) const {
  return projections::TicketAsOf(impl_->log, id, as_of);
}

Result<TicketTexts> Projections::TextsOf(const TicketState& state) const {
  // A fold over the events that occurred by a time renumbers their seqs: its states' text_seqs
  // are not the log's, so their texts are folded from the stream.
  if (impl_->options.occurred_by) {
    if (!state.exists() || state.erased) return TicketTexts{};
    return TicketTextsOf(impl_->log, state.id, state.version);
  }
  return TicketTextsOf(impl_->log, state);
}

Result<std::vector<TicketTexts>> Projections::TextsOf(
    const std::vector<TicketState>& states) const {
  std::vector<TicketTexts> out;
  out.reserve(states.size());
  for (const TicketState& state : states) {
    TL_ASSIGN_OR_RETURN(auto texts, TextsOf(state));
    out.push_back(std::move(texts));
  }
  return out;
}

const ReportService& Projections::reports() const { return *impl_->reports; }

void Projections::WriteMetrics(std::string* out, size_t top_label_values) const {
  if (!impl_->metrics) return;
  std::shared_lock lock(impl_->projector->mutex());
  static_cast<const Metrics&>(*impl_->projector->state().models[*impl_->metrics])
      .Write(out, top_label_values);
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
