#include "projections/projections.h"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "ledger/domain/bounded_queue.h"
#include "ledger/store/codec.h"
#include "ledger/store/hash_chain.h"
#include "projections/checkpoint_store.h"
#include "projections/compliance.h"
#include "projections/dashboard.h"
#include "projections/feedback_pending.h"
#include "projections/followups.h"
#include "projections/metrics.h"
#include "projections/misroutes.h"
#include "projections/model_support.h"
#include "projections/report_params.h"
#include "projections/response_times.h"
#include "projections/rw_mutex.h"
#include "projections/satisfaction.h"
#include "projections/support_volume.h"
#include "projections/ticket_codec.h"
#include "projections/ticket_index.h"
#include "projections/workload.h"

namespace tl::projections {

using namespace tl::ledger;

namespace {

// The ticket model: every ticket's state, the reference data and the latest occurred_at. Every
// other model folds over its states, so its stamp is part of theirs (CheckpointStamp).
constexpr std::string_view kTicketModel = "tickets";
constexpr uint32_t kTicketModelVersion = 1;

// The other models, in the order they are applied, loaded and written.
enum ModelIndex : size_t {
  kResponseTimesModel,
  kVolumeModel,
  kDashboardModel,
  kWorkloadModel,
  kMisroutesModel,
  kSatisfactionModel,
  kComplianceModel,
  kFollowupsModel,
  kFeedbackPendingModel,
  kMetricsModel,
  kModelCount,
};

std::unique_ptr<ReadModel> MakeModel(size_t index, Names& names) {
  switch (index) {
    case kResponseTimesModel:
      return std::make_unique<ResponseTimes>(names);
    case kVolumeModel:
      return std::make_unique<SupportVolume>(names);
    case kDashboardModel:
      return std::make_unique<Dashboard>(names);
    case kWorkloadModel:
      return std::make_unique<Workload>(names);
    case kMisroutesModel:
      return std::make_unique<Misroutes>(names);
    case kSatisfactionModel:
      return std::make_unique<Satisfaction>(names);
    case kComplianceModel:
      return std::make_unique<Compliance>(names);
    case kFollowupsModel:
      return std::make_unique<Followups>();
    case kFeedbackPendingModel:
      return std::make_unique<FeedbackPending>();
    default:
      return std::make_unique<Metrics>(names);
  }
}

// Reports cached per (name, parameters) until the next applied seq; more distinct queries than
// this between two commits start the cache over.
constexpr size_t kMaxCachedReports = 256;

// A checkpoint's encoded model, ready to write.
struct Encoded {
  std::string name;
  uint32_t version;
  std::string body;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// The background checkpoint thread. Shared between the Projections and the commit listener the
// log holds, so that whichever goes first (the Projections' destructor, or the log releasing its
// listener before closing its database) stops it while everything it uses still exists.
class BackgroundCheckpoints {
 public:
  // `build_and_write(seq, cancel)` runs on the thread for each request.
  explicit BackgroundCheckpoints(std::function<void(Seq, const std::atomic<bool>&)> work)
      : work_(std::move(work)), thread_([this] { Run(); }) {}
  ~BackgroundCheckpoints() { Stop(); }

  // Asks for a checkpoint at `seq`; a request not yet started is replaced by a newer one.
  void Request(Seq seq) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      requested_ = std::max(requested_, seq);
    }
    cv_.notify_one();
  }

  // Cancels the work in progress and joins the thread. Idempotent.
  void Stop() {
    std::thread thread;
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      cancel_ = true;
      thread = std::move(thread_);
    }
    cv_.notify_one();
    if (thread.joinable()) thread.join();
  }

 private:
  void Run() {
    Seq done = 0;
    for (;;) {
      Seq target;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || requested_ > done; });
        if (stopping_) return;
        target = requested_;
      }
      work_(target, cancel_);
      done = target;
    }
  }

  std::function<void(Seq, const std::atomic<bool>&)> work_;
  std::mutex mu_;
  std::condition_variable cv_;
  Seq requested_ = 0;      // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::atomic<bool> cancel_{false};
  std::thread thread_;  // last: starts once the rest is initialised
};

struct Projections::Impl {
  Impl(EventLog& l, Options o) : log(l), options(std::move(o)) {
    for (size_t i = 0; i < kModelCount; ++i) models.push_back(MakeModel(i, names));
    model_seq.assign(kModelCount, 0);
  }
  ~Impl() {
    if (background) background->Stop();
  }

  template <typename M>
  const M& Model(size_t index) const {
    return static_cast<const M&>(*models[index]);
  }

  void Note(const std::string& line) const {
    if (options.note) options.note(line);
  }

  // Folds a commit's events into every read model. Caller holds mu exclusively. Given events
  // it may consume (not const), it moves their free text into the ticket states; the models
  // see it in `after` (Change::event's text is then empty).
  template <class Events>
  void ApplyLocked(Events& events) {
    std::shared_ptr<ReferenceData> new_reference;  // copy-on-write: readers keep their snapshot
    // The events were decoded on the reader's core and have left this core's caches: perf had
    // 60 % of the first look at each event (its payload's kind) waiting for memory. They are
    // loaded first, and the ticket state each names once the event is at hand.
    constexpr size_t kEventsAhead = 16, kTicketsAhead = 8;
    for (size_t i = 0; i < events.size(); ++i) {
      auto& e = events[i];  // const unless the events may be consumed
      if (i + kEventsAhead < events.size()) PrefetchBytes(&events[i + kEventsAhead], sizeof(Event));
      if (i + kTicketsAhead < events.size()) {
        tickets.Prefetch(events[i + kTicketsAhead].stream.ticket);
      }
      if (e.seq != applied + 1) {
        // The log hands commits over in order; a gap means a bug, and a read model built over
        // a gap would be silently wrong, so stop applying and say so (readiness fails).
        if (broken.empty()) {
          broken = fmt::format("projections expected seq {} but got seq {}", applied + 1, e.seq);
        }
        return;
      }
      const ReferenceData& ref = new_reference ? *new_reference : *reference;
      if (e.stream.is_ticket()) {
        bool description_changed = false;
        if constexpr (std::is_const_v<Events>) {
          tickets.Apply(e, &before, &description_changed);
        } else {
          tickets.ApplyTakingText(e, &before, &description_changed);
        }
        const TicketState* after = tickets.Find(e.stream.ticket);
        const auto [was, is] = groups.Update(names, e.stream.ticket, before, *after);
        ApplyModels(Change{e, &before, after, ref, was.group, is.group, was.owner, is.owner,
                           description_changed});
      } else {
        ApplyModels(Change{e, nullptr, nullptr, ref});
        if (!new_reference) new_reference = std::make_shared<ReferenceData>(*reference);
        ApplyToReference(*new_reference, e);
      }
      applied = e.seq;
      latest_occurred = std::max(latest_occurred, e.occurred_at);
    }
    if (new_reference) reference = std::move(new_reference);
    if (background && applied >= last_trigger + options.checkpoint_every) {
      last_trigger = applied;
      background->Request(applied);
    }
  }

  void ApplyModels(const Change& change) {
    for (size_t i = 0; i < kModelCount; ++i) {
      // After a checkpoint load, a model may already include the events the catch-up replays
      // for the others.
      if (model_seq[i] >= change.event.seq) continue;
      models[i]->Apply(change);
      model_seq[i] = change.event.seq;
    }
  }

  // --- Checkpoints -------------------------------------------------------------------------

  std::string EncodeTicketModel() const {
    CheckpointWriter w;
    EncodeReference(w, *reference);
    w.PutSigned(latest_occurred);
    tickets.Encode(w);
    return w.Release();
  }

  Status DecodeTicketModel(std::string_view body) {
    CheckpointReader r(body);
    auto ref = std::make_shared<ReferenceData>(DecodeReference(r));
    const TimeNs latest = r.GetSigned();
    TicketIndex decoded;
    decoded.Decode(r);
    if (!r.at_end()) r.Fail("trailing bytes");
    TL_RETURN_IF_ERROR(r.status());
    reference = std::move(ref);
    latest_occurred = latest;
    tickets = std::move(decoded);
    groups.Clear();
    return Status::Ok();
  }

  // The stored checkpoint of `name` if it may be used for a catch-up to `target`; a note says
  // why not otherwise.
  std::optional<StoredCheckpoint> Usable(std::string_view name, uint32_t version, Seq target) {
    auto ignored = [&](const std::string& why) {
      Note(fmt::format("checkpoint of {} ignored: {}; rebuilding it", name, why));
      return std::nullopt;
    };
    // The stamp first: a body of another version is not worth reading.
    auto stamp = ReadCheckpointStamp(log, name);
    if (!stamp.ok()) return ignored(stamp.status().ToString());
    if (!*stamp) return std::nullopt;
    const CheckpointStamp& s = **stamp;
    if (s.model_version != version || s.base_version != kTicketModelVersion) {
      return ignored(
          fmt::format("written by version {} (over tickets {}), this build is {} (over {})",
                      s.model_version, s.base_version, version, kTicketModelVersion));
    }
    if (s.seq == 0 || s.seq > target) {
      return ignored(fmt::format("it is at seq {}, beyond seq {}", s.seq, target));
    }
    auto at = log.ReadOne(s.seq);
    if (!at.ok() || at->hash != s.chain_hash) {
      return ignored(fmt::format("the log's chain hash at seq {} differs (another log?)", s.seq));
    }
    auto stored = ReadCheckpoint(log, name);
    if (!stored.ok()) return ignored(stored.status().ToString());
    if (!*stored || (*stored)->stamp.seq != s.seq) return ignored("it changed while being read");
    return std::move(**stored);
  }

  // Loads every usable checkpoint and positions the catch-up (see docs/projections.md).
  void LoadCheckpoints(Seq target) {
    if (auto stored = Usable(kTicketModel, kTicketModelVersion, target)) {
      Status decoded = DecodeTicketModel(stored->body);
      if (decoded.ok()) {
        applied = stored->stamp.seq;
      } else {
        Note(fmt::format("checkpoint of {} ignored: {}", kTicketModel, decoded.ToString()));
      }
    }
    loaded_seq.assign(kModelCount, 0);
    for (size_t i = 0; i < kModelCount; ++i) {
      auto stored = Usable(models[i]->name(), models[i]->version(), target);
      if (!stored) continue;
      auto fresh = MakeModel(i, names);
      CheckpointReader r(stored->body);
      fresh->Decode(r);
      if (!r.at_end()) r.Fail("trailing bytes");
      if (!r.status().ok()) {
        Note(fmt::format("checkpoint of {} ignored: {}", models[i]->name(), r.status().ToString()));
        continue;
      }
      models[i] = std::move(fresh);
      model_seq[i] = loaded_seq[i] = stored->stamp.seq;
    }
    // Every model folds over the ticket states just before each event it applies, so the
    // ticket model must start at or before the earliest of them. It cannot go back, so if any
    // model starts earlier than the tickets' checkpoint, the tickets are rebuilt from seq 1
    // while the models that are further along skip what they already hold.
    const Seq earliest = *std::min_element(model_seq.begin(), model_seq.end());
    if (applied > earliest) {
      tickets = TicketIndex();
      groups.Clear();
      reference = std::make_shared<ReferenceData>();
      latest_occurred = 0;
      applied = 0;
    }
    tickets_loaded_seq = applied;
  }

  // Folds the log from applied + 1 to `target` (or to the last event recorded at or before
  // options.to_time).
  // Reads, checks and decodes the log on a second thread while this one folds: the two halves
  // cost about the same (callgrind). One producer and one consumer over a FIFO keep the seq
  // order.
  Status CatchUp(Seq target, const std::atomic<bool>* cancel) {
    constexpr size_t kChunkEvents = 4096;
    BoundedQueue<std::vector<Event>> queue(/*capacity=*/4);
    // Folded chunks go back to the reader, which destroys their events: the thread that
    // allocated their strings frees them, off the fold's thread (perf: 6 % of the fold thread's
    // time was freeing the events it had folded).
    BoundedQueue<std::vector<Event>> folded(/*capacity=*/4);
    bool reached_to_time = false;
    Status scanned;
    const Seq from = applied + 1;  // read here: the fold moves `applied` while the reader runs
    std::thread reader([&] {
      // Events are decoded into the slots of chunks the fold has handed back, reusing their
      // strings' buffers: the reader writes each slot once instead of destroying a folded
      // event and constructing and moving a new one into its place.
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
      auto take = [&](const Event& event) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
          return Status::Unavailable("cancelled");
        }
        if (options.to_time && event.recorded_at > *options.to_time) {
          reached_to_time = true;  // recorded_at never decreases along the log
          return Status::Unavailable("stop");
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
    // Nothing queries the projections before Open returns, so the ticket list indexes may
    // be built once at the end, when that is cheaper than keeping them current.
    if (target - std::min(target, applied) > tickets.size()) tickets.DeferIndexes();
    while (auto chunk = queue.Pop()) {
      std::unique_lock lock(mu);
      ApplyLocked(*chunk);
      if (options.progress) options.progress(applied, target);
      if (!broken.empty()) queue.Close();  // the reader stops at its next push
      lock.unlock();
      folded.TryPush(std::move(*chunk));  // when the reader is behind, freed here after all
    }
    reader.join();
    {
      std::unique_lock lock(mu);
      tickets.ResumeIndexes();
    }
    if (!broken.empty()) return Status::Internal(broken);
    if (!scanned.ok() && !reached_to_time) return scanned;
    return Status::Ok();
  }

  // The events from `from` to `target`, in order, handed to `take` until it fails. Touches no
  // state of the fold. With options.verify_chain, the chain is recomputed over the bytes read,
  // from the stored hash before `from`, and must arrive at the stored hash of the last event
  // handed over: by SHA-256's collision resistance, no event in between can differ from what
  // was chained. That reads the events alone instead of each event beside its chain entry
  // (a tenth of a replay's CPU); `verify` still checks every link. On a mismatch, a second
  // pass names the first event whose bytes do not match.
  // Each event is decoded into `slot()` (without its narrative, which no fold reads) and
  // handed to `take(const Event&)` in seq order; a status other than Ok stops the scan.
  template <class Slot, class Take>
  Status Read(Seq from, Seq target, Slot& slot, Take& take) const {
    const bool verify = options.verify_chain;
    Hash chained = kGenesisHash;
    if (verify) {
      TL_ASSIGN_OR_RETURN(chained, log.HashAt(from - 1));
    }
    Seq last_taken = from - 1;
    const Status scanned =
        log.ScanBytes(from, target, [&](Seq seq, std::string_view bytes) -> Status {
          Event& event = slot();
          const Status decoded = DecodeEventInto(bytes, event, {.omit_narrative = true});
          if (!decoded.ok()) return decoded.WithContext(fmt::format("seq {}", seq));
          if (event.seq != seq) {
            return Status::DataLoss(
                fmt::format("seq {}: the event says it is seq {}", seq, event.seq));
          }
          const Hash next = verify ? ChainHash(chained, bytes) : chained;
          TL_RETURN_IF_ERROR(take(event));
          chained = next;
          last_taken = seq;
          return Status::Ok();
        });
    if (!verify || last_taken < from) return scanned;
    TL_ASSIGN_OR_RETURN(const Hash stored, log.HashAt(last_taken));
    if (chained != stored) return FirstChainMismatch(from, last_taken);
    return scanned;
  }

  // The first event in [from, to] whose bytes do not chain to its stored hash.
  Status FirstChainMismatch(Seq from, Seq to) const {
    TL_ASSIGN_OR_RETURN(Hash prev, log.HashAt(from - 1));
    TL_RETURN_IF_ERROR(
        log.ScanRaw(from, to, [&](Seq seq, std::string_view bytes, const Hash& hash) -> Status {
          if (ChainHash(prev, bytes) != hash) {
            return Status::DataLoss(
                fmt::format("seq {}: the stored bytes do not match the chain hash", seq));
          }
          prev = hash;
          return Status::Ok();
        }));
    return Status::DataLoss(fmt::format(
        "seq {}: the chain recomputed over the log does not reach the stored hash", to));
  }

  // Every model's encoding at the current seq; models first, the ticket model last, so that a
  // crash part-way through writing leaves the tickets' checkpoint at or before the others'.
  std::vector<Encoded> EncodeAll() const {
    std::vector<Encoded> out;
    for (const auto& m : models) {
      CheckpointWriter w;
      m->Encode(w);
      out.push_back({std::string(m->name()), m->version(), w.Release()});
    }
    out.push_back({std::string(kTicketModel), kTicketModelVersion, EncodeTicketModel()});
    return out;
  }

  // Writes checkpoints at `seq`, keeping any stored checkpoint that is already newer.
  static Status WriteAll(EventLog& log, Seq seq, const std::vector<Encoded>& encoded) {
    TL_ASSIGN_OR_RETURN(const StoredEvent at, log.ReadOne(seq));
    for (const Encoded& e : encoded) {
      auto stored = ReadCheckpointStamp(log, e.name);
      if (stored.ok() && *stored && (*stored)->seq >= seq &&
          (*stored)->model_version == e.version && (*stored)->base_version == kTicketModelVersion) {
        continue;
      }
      TL_RETURN_IF_ERROR(WriteCheckpoint(
          log, e.name, CheckpointStamp{e.version, kTicketModelVersion, seq, at.hash}, e.body));
    }
    return Status::Ok();
  }

  // Encodes the current state (under the shared lock) and writes it.
  Status SaveNow() {
    const auto start = std::chrono::steady_clock::now();
    Seq seq;
    std::vector<Encoded> encoded;
    {
      std::shared_lock lock(mu);
      seq = applied;
      if (seq == 0) return Status::Ok();
      encoded = EncodeAll();
    }
    std::lock_guard write_lock(write_mu);
    TL_RETURN_IF_ERROR(WriteAll(log, seq, encoded));
    RecordWrite(seq, SecondsSince(start));
    return Status::Ok();
  }

  // On the background thread: the state at `target`, from the latest checkpoint and the log,
  // in an object of its own, so the live models are neither copied nor locked.
  void BuildAndWrite(Seq target, const std::atomic<bool>& cancel) {
    const auto start = std::chrono::steady_clock::now();
    Options shadow_options;
    shadow_options.use_checkpoints = true;
    shadow_options.to_seq = target;
    shadow_options.note = options.note;
    auto shadow = Build(log, shadow_options, &cancel);
    if (!shadow.ok()) {
      if (!cancel) Note("background checkpoint failed: " + shadow.status().ToString());
      return;
    }
    std::vector<Encoded> encoded = (*shadow)->EncodeAll();
    shadow->reset();  // the memory goes back before the bytes are written
    std::lock_guard write_lock(write_mu);
    if (cancel) return;
    Status written = WriteAll(log, target, encoded);
    if (!written.ok()) {
      Note("background checkpoint failed: " + written.ToString());
      return;
    }
    RecordWrite(target, SecondsSince(start));
  }

  void RecordWrite(Seq seq, double seconds) {
    std::lock_guard lock(info_mu);
    ++written;
    last_written_seq = seq;
    last_write_seconds = seconds;
  }

  static Result<std::unique_ptr<Impl>> Build(EventLog& log, Options options,
                                             const std::atomic<bool>* cancel) {
    auto impl = std::make_unique<Impl>(log, std::move(options));
    Seq target = log.Head().seq;
    if (impl->options.to_seq) target = std::min(target, *impl->options.to_seq);
    // A checkpoint cannot say what was known at a recording time; replay from seq 1.
    if (impl->options.use_checkpoints && !impl->options.to_time) impl->LoadCheckpoints(target);
    TL_RETURN_IF_ERROR(impl->CatchUp(target, cancel));
    return impl;
  }

  // --- State ---------------------------------------------------------------------------------

  EventLog& log;
  Options options;
  mutable RwMutex mu;  // guards everything below up to the report cache (writers first)
  Names names;
  TicketIndex tickets;
  TicketGroups groups;  // each ticket's interned groups, derived from `tickets`
  std::shared_ptr<const ReferenceData> reference = std::make_shared<ReferenceData>();
  Seq applied = 0;  // the ticket model's seq; every model is here once caught up
  TimeNs latest_occurred = 0;
  std::vector<std::unique_ptr<ReadModel>> models;
  std::vector<Seq> model_seq;  // the last seq each model holds
  TicketState before;          // scratch for ApplyLocked, kept to reuse its buffers
  std::string broken;          // why applying stopped; empty while healthy

  // What Open loaded (CheckpointInfo); written once, before the object is shared.
  Seq tickets_loaded_seq = 0;
  std::vector<Seq> loaded_seq = std::vector<Seq>(kModelCount, 0);

  mutable std::mutex cache_mu;
  mutable Seq cache_seq = 0;
  mutable std::unordered_map<std::string, std::shared_ptr<const CachedReport>> cache;

  std::mutex write_mu;  // one checkpoint writer at a time (checkpoint_store.h)
  mutable std::mutex info_mu;
  uint64_t written = 0;
  Seq last_written_seq = 0;
  double last_write_seconds = 0;

  Seq last_trigger = 0;  // the seq of the last background request; under mu
  std::shared_ptr<BackgroundCheckpoints> background;  // attached with checkpoints only
};

Projections::Projections(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Projections::~Projections() = default;

Result<std::unique_ptr<Projections>> Projections::Open(EventLog& log, Options options,
                                                       bool attach) {
  TL_ASSIGN_OR_RETURN(auto impl, Impl::Build(log, std::move(options), nullptr));
  Impl& m = *impl;
  const bool checkpoints = m.options.use_checkpoints && !m.options.to_seq && !m.options.to_time;
  if (checkpoints) {
    // Save the catch-up's work for the next start when it was long or rebuilt a model.
    Seq oldest = m.tickets_loaded_seq;
    for (Seq s : m.loaded_seq) oldest = std::min(oldest, s);
    if (m.applied > oldest && (m.applied - oldest >= m.options.checkpoint_every || oldest == 0)) {
      Status saved = m.SaveNow();
      if (!saved.ok()) m.Note("checkpoint after catch-up not written: " + saved.ToString());
    }
  }
  auto projections = std::unique_ptr<Projections>(new Projections(std::move(impl)));
  if (attach) {
    Impl* self = projections->impl_.get();
    if (checkpoints && m.options.checkpoint_every > 0) {
      self->last_trigger = self->applied;
      self->background = std::make_shared<BackgroundCheckpoints>(
          [self](Seq target, const std::atomic<bool>& cancel) {
            self->BuildAndWrite(target, cancel);
          });
    }
    // The listener holds the background thread too: the log destroys its listener before it
    // closes its database (ledger/store/event_log_impl.h), which stops the thread in time even when
    // the log goes first.
    struct StopOnRelease {
      std::shared_ptr<BackgroundCheckpoints> background;
      ~StopOnRelease() {
        if (background) background->Stop();
      }
    };
    auto guard = std::make_shared<StopOnRelease>();  // not a temporary: its destructor stops
    guard->background = self->background;
    Projections* p = projections.get();
    log.SetCommitListener([p, guard](const std::vector<Event>& events) { p->Apply(events); });
  }
  return projections;
}

void Projections::Apply(const std::vector<Event>& events) {
  std::unique_lock lock(impl_->mu);
  impl_->ApplyLocked(events);
}

Result<TicketState> Projections::LoadTicket(TicketId id) const {
  std::shared_lock lock(impl_->mu);
  const TicketState* t = impl_->tickets.Find(id);
  return t ? *t : TicketState{};
}

Result<std::shared_ptr<const ReferenceData>> Projections::LoadReference() const {
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

Status Projections::Checkpoint() { return impl_->SaveNow(); }

CheckpointInfo Projections::checkpoint_info() const {
  CheckpointInfo info;
  info.models.push_back(
      {std::string(kTicketModel), kTicketModelVersion, impl_->tickets_loaded_seq});
  for (size_t i = 0; i < kModelCount; ++i) {
    info.models.push_back(
        {std::string(impl_->models[i]->name()), impl_->models[i]->version(), impl_->loaded_seq[i]});
  }
  std::lock_guard lock(impl_->info_mu);
  info.written = impl_->written;
  info.last_written_seq = impl_->last_written_seq;
  info.last_write_seconds = impl_->last_write_seconds;
  return info;
}

std::map<std::string, std::string> Projections::StateDigests() const {
  std::vector<Encoded> encoded;
  {
    std::shared_lock lock(impl_->mu);
    encoded = impl_->EncodeAll();
  }
  std::map<std::string, std::string> digests;
  for (const Encoded& e : encoded) digests[e.name] = HashToHex(Sha256({e.body}));
  return digests;
}

std::optional<TicketState> Projections::Ticket(TicketId id) const {
  std::shared_lock lock(impl_->mu);
  const TicketState* t = impl_->tickets.Find(id);
  return t ? std::optional<TicketState>(*t) : std::nullopt;
}

size_t Projections::ticket_count() const {
  std::shared_lock lock(impl_->mu);
  return impl_->tickets.size();
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

struct Projections::CachedReport {
  boost::json::object body;
  std::string text;  // body, serialized
};

Result<boost::json::object> Projections::Report(std::string_view name,
                                                const QueryParams& query) const {
  TL_ASSIGN_OR_RETURN(auto cached, CachedReportFor(name, query));
  return cached->body;
}

Result<std::shared_ptr<const std::string>> Projections::ReportJson(
    std::string_view name, const QueryParams& query) const {
  TL_ASSIGN_OR_RETURN(auto cached, CachedReportFor(name, query));
  const std::string* text = &cached->text;
  return std::shared_ptr<const std::string>(std::move(cached), text);
}

Result<std::shared_ptr<const Projections::CachedReport>> Projections::CachedReportFor(
    std::string_view name, const QueryParams& query) const {
  const auto kind = ParseReportKind(name);
  if (!kind) return Status::NotFound(fmt::format("no report named '{}'", name));
  TL_ASSIGN_OR_RETURN(const ReportParams p, ParseReportParams(*kind, query));

  std::string cache_key(name);
  for (const auto& [k, v] : query) {
    if (v.empty()) continue;  // as absent
    cache_key += fmt::format("\n{}\n{}", k, v);
  }
  const Impl& m = *impl_;
  std::shared_lock lock(m.mu);
  {
    std::lock_guard cache_lock(m.cache_mu);
    if (m.cache_seq == m.applied) {
      auto it = m.cache.find(cache_key);
      if (it != m.cache.end()) return it->second;
    }
  }
  const TimeNs now = p.now.value_or(m.latest_occurred);
  boost::json::object body;
  switch (*kind) {
    case ReportKind::kResponseTimes:
      body = m.Model<ResponseTimes>(kResponseTimesModel).Query(p, m.tickets);
      break;
    case ReportKind::kVolume:
      body = m.Model<SupportVolume>(kVolumeModel).Query(p, m.tickets);
      break;
    case ReportKind::kDashboard:
      body = m.Model<Dashboard>(kDashboardModel).Query(p, now, m.tickets);
      break;
    case ReportKind::kWorkload:
      body = m.Model<Workload>(kWorkloadModel).Query(p, now);
      break;
    case ReportKind::kMisroutes:
      body = m.Model<Misroutes>(kMisroutesModel).Query(p, m.tickets);
      break;
    case ReportKind::kSatisfaction:
      body = m.Model<Satisfaction>(kSatisfactionModel).Query(p, m.tickets);
      break;
    case ReportKind::kCompliance:
      body = m.Model<Compliance>(kComplianceModel).Query(p, m.tickets);
      break;
    case ReportKind::kFollowups:
      body = m.Model<Followups>(kFollowupsModel).Query(now, m.tickets);
      break;
    case ReportKind::kFeedbackPending:
      body = m.Model<FeedbackPending>(kFeedbackPendingModel).Query(now);
      break;
  }
  std::lock_guard cache_lock(m.cache_mu);
  if (m.cache_seq != m.applied || m.cache.size() >= kMaxCachedReports) {
    m.cache.clear();
    m.cache_seq = m.applied;
  }
  auto text = boost::json::serialize(body);
  auto cached =
      std::make_shared<const CachedReport>(CachedReport{std::move(body), std::move(text)});
  m.cache.emplace(std::move(cache_key), cached);
  return cached;
}

void Projections::WriteMetrics(std::string* out) const {
  std::shared_lock lock(impl_->mu);
  impl_->Model<Metrics>(kMetricsModel).Write(out);
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
