#include "projections/checkpointing.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <optional>
#include <set>
#include <shared_mutex>
#include <thread>

#include "projections/checkpoint_codec.h"
#include "projections/checkpoint_store.h"
#include "projections/ticket_codec.h"

namespace tl::projections {

using namespace tl::ledger;

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void NoteTo(const Options& options, const std::string& line) {
  if (options.note) options.note(line);
}

std::string EncodeTicketModel(const FoldState& s) {
  CheckpointWriter w;
  EncodeReference(w, *s.reference);
  w.PutSigned(s.latest_occurred);
  s.tickets.Encode(w);
  return w.Release();
}

Status DecodeTicketModel(std::string_view body, FoldState& s) {
  CheckpointReader r(body);
  auto ref = std::make_shared<ReferenceData>(DecodeReference(r));
  const TimeNs latest = r.GetSigned();
  TicketIndex decoded;
  decoded.Decode(r);
  if (!r.at_end()) r.Fail("trailing bytes");
  TL_RETURN_IF_ERROR(r.status());
  s.reference = std::move(ref);
  s.latest_occurred = latest;
  s.tickets = std::move(decoded);
  s.groups.Clear();
  return Status::Ok();
}

// The stored checkpoint of `name` if it may be used for a catch-up to `target`; a note says
// why not otherwise.
std::optional<StoredCheckpoint> Usable(const EventLog& log, const Options& options,
                                       std::string_view name, uint32_t version, Seq target) {
  auto ignored = [&](const std::string& why) {
    NoteTo(options, fmt::format("checkpoint of {} ignored: {}; rebuilding it", name, why));
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
  if (s.seq.is_zero() || s.seq > target) {
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

// Loads every usable checkpoint into the empty fold `s` and positions the catch-up (see
// docs/projections.md). Runs before anyone else sees the projector: no lock needed.
LoadedSeqs LoadCheckpoints(const EventLog& log, const ModelRegistry& registry,
                           const Options& options, Seq target, FoldState& s) {
  if (auto stored = Usable(log, options, kTicketModel, kTicketModelVersion, target)) {
    Status decoded = DecodeTicketModel(stored->body, s);
    if (decoded.ok()) {
      s.applied = stored->stamp.seq;
    } else {
      NoteTo(options,
             fmt::format("checkpoint of {} ignored: {}", kTicketModel, decoded.ToString()));
    }
  }
  LoadedSeqs loaded;
  loaded.models.assign(s.models.size(), Seq{});
  for (size_t i = 0; i < s.models.size(); ++i) {
    const std::string_view name = s.models[i]->name();
    auto stored = Usable(log, options, name, s.models[i]->version(), target);
    if (!stored) continue;
    auto fresh = registry.entries()[i].make(s.names);
    CheckpointReader r(stored->body);
    fresh->Decode(r);
    if (!r.at_end()) r.Fail("trailing bytes");
    if (!r.status().ok()) {
      NoteTo(options, fmt::format("checkpoint of {} ignored: {}", name, r.status().ToString()));
      continue;
    }
    s.models[i] = std::move(fresh);
    s.model_seq[i] = loaded.models[i] = stored->stamp.seq;
  }
  // Every model folds over the ticket states just before each event it applies, so the ticket
  // model must start at or before the earliest of them. It cannot go back, so if any model
  // starts earlier than the tickets' checkpoint, the tickets are rebuilt from seq 1 while the
  // models that are further along skip what they already hold.
  if (!s.model_seq.empty()) {
    const Seq earliest = *std::min_element(s.model_seq.begin(), s.model_seq.end());
    if (s.applied > earliest) {
      s.tickets = TicketIndex();
      s.groups.Clear();
      s.reference = std::make_shared<ReferenceData>();
      s.latest_occurred = 0;
      s.applied = Seq{};
    }
  }
  loaded.tickets = s.applied;
  return loaded;
}

// Writes checkpoints at `seq`, keeping any stored checkpoint that is already newer.
Status WriteAll(EventLog& log, Seq seq, const std::vector<EncodedModel>& encoded) {
  TL_ASSIGN_OR_RETURN(const StoredEvent at, log.ReadOne(seq));
  for (const EncodedModel& e : encoded) {
    auto stored = ReadCheckpointStamp(log, e.name);
    if (stored.ok() && *stored && (*stored)->seq >= seq && (*stored)->model_version == e.version &&
        (*stored)->base_version == kTicketModelVersion) {
      continue;
    }
    TL_RETURN_IF_ERROR(WriteCheckpoint(
        log, e.name, CheckpointStamp{e.version, kTicketModelVersion, seq, at.hash}, e.body));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Projector>> BuildProjector(EventLog& log, const ModelRegistry& registry,
                                                  const Options& options,
                                                  const std::atomic<bool>* cancel,
                                                  LoadedSeqs* loaded) {
  auto projector = std::make_unique<Projector>(log, registry, options);
  // Names are the checkpoints' keys: two models with one name would overwrite each other's.
  std::set<std::string_view> names{kTicketModel};
  for (const auto& model : projector->state().models) {
    if (!names.insert(model->name()).second) {
      return Status::Internal(fmt::format("two read models are named '{}'", model->name()));
    }
  }
  Seq target = log.Head().seq;
  if (options.to_seq) target = std::min(target, *options.to_seq);
  LoadedSeqs from_start;
  from_start.models.assign(registry.size(), Seq{});
  // A checkpoint cannot say what was known at a recording time; replay from seq 1.
  const LoadedSeqs seqs = options.use_checkpoints && !options.to_time
                              ? LoadCheckpoints(log, registry, options, target, projector->state())
                              : from_start;
  if (loaded) *loaded = seqs;
  TL_RETURN_IF_ERROR(projector->CatchUp(target, cancel));
  return projector;
}

std::vector<EncodedModel> EncodeAll(const Projector& projector) {
  const FoldState& s = projector.state();
  std::vector<EncodedModel> out;
  for (const auto& m : s.models) {
    CheckpointWriter w;
    m->Encode(w);
    out.push_back({std::string(m->name()), m->version(), w.Release()});
  }
  out.push_back({std::string(kTicketModel), kTicketModelVersion, EncodeTicketModel(s)});
  return out;
}

// The background checkpoint thread. Shared between the Checkpointer and the commit listener
// the log holds, so that whichever goes first (the Checkpointer's destructor, or the log
// releasing its listener before closing its database) stops it while everything it uses still
// exists.
class BackgroundCheckpoints {
 public:
  // `work(seq, cancel)` runs on the thread for each request.
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
    Seq done{};
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
  Seq requested_{};        // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::atomic<bool> cancel_{false};
  std::thread thread_;  // last: starts once the rest is initialised
};

Checkpointer::Checkpointer(EventLog& log, const ModelRegistry& registry, Options options)
    : log_(log), registry_(registry), options_(std::move(options)) {}

Checkpointer::~Checkpointer() {
  if (background_) background_->Stop();
}

void Checkpointer::Note(const std::string& line) const { NoteTo(options_, line); }

Status Checkpointer::SaveNow(const Projector& live) {
  const auto start = std::chrono::steady_clock::now();
  Seq seq;
  std::vector<EncodedModel> encoded;
  {
    std::shared_lock lock(live.mutex());
    seq = live.state().applied;
    if (seq.is_zero()) return Status::Ok();
    encoded = EncodeAll(live);
  }
  std::lock_guard write_lock(write_mu_);
  TL_RETURN_IF_ERROR(WriteAll(log_, seq, encoded));
  RecordWrite(seq, SecondsSince(start));
  return Status::Ok();
}

StopBackgroundOnRelease::~StopBackgroundOnRelease() {
  if (background_) background_->Stop();
}

std::shared_ptr<StopBackgroundOnRelease> Checkpointer::StartBackground(Projector& live) {
  background_ = std::make_shared<BackgroundCheckpoints>(
      [this](Seq target, const std::atomic<bool>& cancel) { BuildAndWrite(target, cancel); });
  live.SetCheckpointTrigger(options_.checkpoint_every, [background = background_.get()](Seq seq) {
    background->Request(seq);
  });
  return std::make_shared<StopBackgroundOnRelease>(background_);
}

// On the background thread: the state at `target`, from the latest checkpoint and the log, in
// a projector of its own, so the live models are neither copied nor locked.
void Checkpointer::BuildAndWrite(Seq target, const std::atomic<bool>& cancel) {
  const auto start = std::chrono::steady_clock::now();
  Options shadow_options;
  shadow_options.use_checkpoints = true;
  shadow_options.to_seq = target;
  shadow_options.note = options_.note;
  auto shadow = BuildProjector(log_, registry_, shadow_options, &cancel, nullptr);
  if (!shadow.ok()) {
    if (!cancel) Note("background checkpoint failed: " + shadow.status().ToString());
    return;
  }
  std::vector<EncodedModel> encoded = EncodeAll(**shadow);
  shadow->reset();  // the memory goes back before the bytes are written
  std::lock_guard write_lock(write_mu_);
  if (cancel) return;
  Status written = WriteAll(log_, target, encoded);
  if (!written.ok()) {
    Note("background checkpoint failed: " + written.ToString());
    return;
  }
  RecordWrite(target, SecondsSince(start));
}

void Checkpointer::RecordWrite(Seq seq, double seconds) {
  std::lock_guard lock(info_mu_);
  ++info_.written;
  info_.last_written_seq = seq;
  info_.last_write_seconds = seconds;
}

Checkpointer::Info Checkpointer::info() const {
  std::lock_guard lock(info_mu_);
  return info_;
}

}  // namespace tl::projections
