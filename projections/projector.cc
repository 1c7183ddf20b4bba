#include "projections/projector.h"

#include <fmt/format.h>

#include <mutex>
#include <shared_mutex>
#include <thread>
#include <type_traits>

#include "ledger/domain/bounded_queue.h"
#include "ledger/store/codec.h"
#include "ledger/store/hash_chain.h"

namespace tl::projections {

using namespace tl::ledger;

Projector::Projector(EventLog& log, const ModelRegistry& registry, const Options& options)
    : log_(log), registry_(registry), options_(options) {
  for (const ModelRegistry::Entry& entry : registry.entries()) {
    state_.models.push_back(entry.make(state_.names));
  }
  state_.model_seq.assign(state_.models.size(), Seq{});
}

void Projector::SetCheckpointTrigger(uint64_t every, std::function<void(Seq)> due) {
  std::unique_lock lock(mu_);
  checkpoint_every_ = every;
  checkpoint_due_ = std::move(due);
  last_trigger_ = state_.applied;
}

void Projector::Apply(const std::vector<Event>& events) {
  std::unique_lock lock(mu_);
  ApplyLocked(events);
}

// Folds a commit's events into every read model. Caller holds mu_ exclusively. Given events it
// may consume (not const), it moves their free text into the ticket states; the models see it
// in `after` (Change::event's text is then empty).
template <class Events>
void Projector::ApplyLocked(Events& events) {
  FoldState& s = state_;
  std::shared_ptr<ReferenceData> new_reference;  // copy-on-write: readers keep their snapshot
  for (size_t i = 0; i < events.size(); ++i) {
    auto& e = events[i];  // const unless the events may be consumed
    if (e.seq != s.applied.Next()) {
      // The log hands commits over in order; a gap means a bug, and a read model built over a
      // gap would be silently wrong, so stop applying and say so (readiness fails).
      if (broken_.empty()) {
        broken_ =
            fmt::format("projections expected seq {} but got seq {}", s.applied.Next(), e.seq);
      }
      return;
    }
    const ReferenceData& ref = new_reference ? *new_reference : *s.reference;
    if (e.stream.is_ticket()) {
      bool description_changed = false;
      if constexpr (std::is_const_v<Events>) {
        s.tickets.Apply(e, &before_, &description_changed);
      } else {
        s.tickets.ApplyTakingText(e, &before_, &description_changed);
      }
      const TicketState* after = s.tickets.Find(e.stream.ticket);
      const auto [was, is] = s.groups.Update(s.names, e.stream.ticket, before_, *after);
      ApplyModels(Change{e, &before_, after, ref, was.group, is.group, was.owner, is.owner,
                         description_changed});
    } else {
      ApplyModels(Change{e, nullptr, nullptr, ref});
      if (!new_reference) new_reference = std::make_shared<ReferenceData>(*s.reference);
      ApplyToReference(*new_reference, e);
    }
    s.applied = e.seq;
    s.latest_occurred = std::max(s.latest_occurred, e.occurred_at);
  }
  if (new_reference) s.reference = std::move(new_reference);
  if (checkpoint_due_ && s.applied.value() >= last_trigger_.value() + checkpoint_every_) {
    last_trigger_ = s.applied;
    checkpoint_due_(s.applied);
  }
}

void Projector::ApplyModels(const Change& change) {
  FoldState& s = state_;
  for (size_t i = 0; i < s.models.size(); ++i) {
    // After a checkpoint load, a model may already include the events the catch-up replays
    // for the others.
    if (s.model_seq[i] >= change.event.seq) continue;
    s.models[i]->Apply(change);
    s.model_seq[i] = change.event.seq;
  }
}

// One producer and one consumer over a FIFO keep the seq order: the two halves cost about the
// same (callgrind).
Status Projector::CatchUp(Seq target, const std::atomic<bool>* cancel) {
  constexpr size_t kChunkEvents = 4096;
  BoundedQueue<std::vector<Event>> queue(/*capacity=*/4);
  // Folded chunks go back to the reader, which destroys their events: the thread that
  // allocated their strings frees them, off the fold's thread (perf: 6 % of the fold thread's
  // time was freeing the events it had folded).
  BoundedQueue<std::vector<Event>> folded(/*capacity=*/4);
  bool reached_to_time = false;
  Status scanned;
  const Seq from =
      state_.applied.Next();  // read here: the fold moves `applied` while the reader runs
  std::thread reader([&] {
    // Events are decoded into the slots of chunks the fold has handed back, reusing their
    // strings' buffers: the reader writes each slot once instead of destroying a folded event
    // and constructing and moving a new one into its place.
    std::vector<Event> chunk;
    size_t filled = 0;
    auto next_chunk = [&] {
      if (auto spent = folded.TryPop()) {
        chunk = std::move(*spent);
      } else {
        chunk = {};
        chunk.reserve(kChunkEvents);
      }
      filled = 0;
    };
    next_chunk();
    auto slot = [&]() -> Event& {
      if (filled == chunk.size()) chunk.emplace_back();
      return chunk[filled];
    };
    Seq kept = from.Prev();
    auto take = [&](Event& event) {
      if (cancel && cancel->load(std::memory_order_relaxed)) {
        return Status::Unavailable("cancelled");
      }
      if (options_.to_time && event.recorded_at > *options_.to_time) {
        reached_to_time = true;  // recorded_at never decreases along the log
        return Status::Unavailable("stop");
      }
      if (options_.occurred_by) {
        // Left out: its slot is decoded into again. Kept: numbered as in a ledger of only the
        // kept events, so the fold's contiguity check holds.
        if (event.occurred_at > *options_.occurred_by) return Status::Ok();
        event.seq = ++kept;
      }
      if (++filled == kChunkEvents) {
        if (!queue.Push(std::move(chunk))) return Status::Unavailable("cancelled");
        next_chunk();
      }
      return Status::Ok();
    };
    scanned = Read(from, target, slot, take);
    chunk.resize(filled);
    if (!chunk.empty()) queue.Push(std::move(chunk));
    queue.Close();
  });
  // Nothing queries the projections before Open returns, so the ticket list indexes may be
  // built once at the end, when that is cheaper than keeping them current.
  if (target.value() - std::min(target, state_.applied).value() > state_.tickets.size()) {
    state_.tickets.DeferIndexes();
  }
  while (auto chunk = queue.Pop()) {
    std::unique_lock lock(mu_);
    ApplyLocked(*chunk);
    if (options_.progress) options_.progress(state_.applied, target);
    if (!broken_.empty()) queue.Close();  // the reader stops at its next push
    lock.unlock();
    folded.TryPush(std::move(*chunk));  // when the reader is behind, freed here after all
  }
  reader.join();
  {
    std::unique_lock lock(mu_);
    state_.tickets.ResumeIndexes();
  }
  if (!broken_.empty()) return Status::Internal(broken_);
  if (!scanned.ok() && !reached_to_time) return scanned;
  return Status::Ok();
}

// The events from `from` to `target`, in order, handed to `take` until it fails. Touches no
// state of the fold. With options.verify_chain, the chain is recomputed over the bytes read,
// from the stored hash before `from`, and must arrive at the stored hash of the last event
// handed over: by SHA-256's collision resistance, no event in between can differ from what was
// chained. That reads the events alone instead of each event beside its chain entry (a tenth
// of a replay's CPU); `verify` still checks every link. On a mismatch, a second pass names the
// first event whose bytes do not match.
// Each event is decoded into `slot()` (without its narrative, which no fold reads) and handed
// to `take(const Event&)` in seq order; a status other than Ok stops the scan.
template <class Slot, class Take>
Status Projector::Read(Seq from, Seq target, Slot& slot, Take& take) const {
  const bool verify = options_.verify_chain;
  Hash chained = kGenesisHash;
  if (verify) {
    TL_ASSIGN_OR_RETURN(chained, log_.HashAt(from.Prev()));
  }
  Seq last_taken = from.Prev();
  std::optional<ledger::DataKeyCache> keys;
  if (options_.cache_data_keys) keys.emplace();
  const Status scanned =
      log_.ScanBytes(from, target, [&](Seq seq, std::string_view bytes) -> Status {
        Event& event = slot();
        const Status decoded = DecodeEventInto(bytes, event, {.omit_narrative = true});
        if (!decoded.ok()) return decoded.WithContext(fmt::format("seq {}", seq));
        if (event.seq != seq) {
          return Status::DataLoss(
              fmt::format("seq {}: the event says it is seq {}", seq, event.seq));
        }
        TL_RETURN_IF_ERROR(log_.OpenPersonal(event, keys ? &*keys : nullptr));
        const Hash next = verify ? ChainHash(chained, bytes) : chained;
        TL_RETURN_IF_ERROR(take(event));
        chained = next;
        last_taken = seq;
        return Status::Ok();
      });
  if (!verify || last_taken < from) return scanned;
  TL_ASSIGN_OR_RETURN(const Hash stored, log_.HashAt(last_taken));
  if (chained != stored) return FirstChainMismatch(from, last_taken);
  return scanned;
}

// The first event in [from, to] whose bytes do not chain to its stored hash.
Status Projector::FirstChainMismatch(Seq from, Seq to) const {
  TL_ASSIGN_OR_RETURN(Hash prev, log_.HashAt(from.Prev()));
  TL_RETURN_IF_ERROR(
      log_.ScanRaw(from, to, [&](Seq seq, std::string_view bytes, const Hash& hash) -> Status {
        if (ChainHash(prev, bytes) != hash) {
          return Status::DataLoss(
              fmt::format("seq {}: the stored bytes do not match the chain hash", seq));
        }
        prev = hash;
        return Status::Ok();
      }));
  return Status::DataLoss(
      fmt::format("seq {}: the chain recomputed over the log does not reach the stored hash", to));
}

}  // namespace tl::projections
