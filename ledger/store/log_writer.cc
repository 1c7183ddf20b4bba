#include "ledger/store/log_writer.h"

#include <fmt/format.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>

#include "ledger/domain/personal_fields.h"
#include "ledger/store/codec.h"
#include "ledger/store/hash_chain.h"
#include "ledger/store/personal_seal.h"
#include "ledger/store/stored_tiles.h"
#include "ledger/tlog/hash.h"

namespace tl::ledger {
namespace {

// Appends with at most this many events are checked for a repeated id by scanning; larger ones
// by sorting.
constexpr size_t kScannedIds = 16;

// How often a log stopped by a full disk asks RocksDB to resume. A resume flushes every
// memtable: tried on each append of a flood of refused ones, it would keep the writer busy with
// flushes that cannot succeed until space is freed.
constexpr auto kResumeInterval = std::chrono::seconds(1);

// What the appends of a refused batch are told, after the storage error itself.
std::string StopContext(const Status& error, std::string_view what) {
  if (error.code() == StatusCode::kResourceExhausted) {
    return fmt::format(
        "{}: storage is full; nothing of this batch was acknowledged, and the ledger takes no "
        "appends until space is freed (and, if the write-ahead log failed, it is restarted)",
        what);
  }
  return fmt::format(
      "{}; nothing of this batch was acknowledged, and the ledger takes no more appends until "
      "it is restarted",
      what);
}

// The key bytes of an id, without a copy (a 16-byte std::string would not fit the small-string
// buffer and cost an allocation per use, several per event on the writer's thread).
std::string_view IdKey(const EventId& id) {
  return std::string_view(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
}

std::string_view HashBytes(const Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

bool IsTicketPayload(const Payload& p) {
  return !std::holds_alternative<QueueDefined>(p) && !std::holds_alternative<ServiceDefined>(p);
}

// Structural checks that do not depend on the log's state: the business rules live in
// ticket_rules, but the log itself guarantees that every stream is well-formed.
Status CheckShape(const AppendRequest& request) {
  if (request.parts.empty()) return Status::BadField("an append needs at least one stream");
  size_t events = 0;
  for (const StreamAppend& part : request.parts) events += part.events.size();
  // An append usually has a handful of events: then a scan beats building a hash set.
  std::vector<EventId> ids;
  ids.reserve(events);
  for (size_t i = 0; i < request.parts.size(); ++i) {
    const StreamAppend& part = request.parts[i];
    if (part.events.empty()) return Status::BadField("an append needs at least one event");
    if (part.stream.is_ticket() && part.stream.ticket.is_zero() && i != 0) {
      return Status::BadField("only the primary stream of an append may be a new ticket");
    }
    if (!part.stream.is_ticket() &&
        (part.stream.name.empty() || part.stream.name.size() > keys::kMaxStreamName)) {
      return Status::BadField(
          fmt::format("a queue or service name has 1 to {} bytes", keys::kMaxStreamName));
    }
    for (size_t j = 0; j < i; ++j) {
      if (request.parts[j].stream == part.stream) {
        return Status::BadField("an append names each stream once");
      }
    }
    for (const EventDraft& draft : part.events) {
      if (draft.event_id.IsNil()) return Status::BadField("every event needs an event id");
      if (events <= kScannedIds) {
        if (std::find(ids.begin(), ids.end(), draft.event_id) != ids.end()) {
          return Status::BadField("an event id appears twice in one append");
        }
      }
      ids.push_back(draft.event_id);
      const Payload& p = draft.payload;
      bool right_stream = part.stream.kind == StreamId::Kind::kTicket ? IsTicketPayload(p)
                          : part.stream.kind == StreamId::Kind::kQueue
                              ? std::holds_alternative<QueueDefined>(p)
                              : std::holds_alternative<ServiceDefined>(p);
      if (!right_stream) {
        return Status::BadField(fmt::format("a {} event does not belong on stream {}",
                                            EventTypeName(p), part.stream.ToString()));
      }
      if (const auto* link = std::get_if<ChildLinked>(&p);
          link && link->child.is_zero() && !request.parts[0].stream.ticket.is_zero()) {
        return Status::BadField("child_linked 0 needs a new ticket in the same append");
      }
    }
  }
  if (events > kScannedIds) {
    std::sort(ids.begin(), ids.end());
    if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) {
      return Status::BadField("an event id appears twice in one append");
    }
  }
  return Status::Ok();
}

}  // namespace

Hash ComputeFingerprint(const AppendRequest& request) {
  std::string material;
  for (const StreamAppend& part : request.parts) {
    material += part.stream.ToString();
    material.push_back('\0');
    for (const EventDraft& draft : part.events) {
      Event e;
      e.actor = draft.actor;
      e.payload = draft.payload;
      material += EncodeEvent(e);
    }
  }
  return Sha256({material});
}

// What one batch has staged so far, on top of the committed state.
struct LogWriter::Staging {
  explicit Staging(RocksStore::Batch b) : batch(std::move(b)) {}
  Seq first_seq{};
  Seq next_seq{};
  Hash hash{};
  TicketId last_ticket{};
  TimeNs recorded_at = 0;
  std::unordered_map<std::string, Version> versions;
  // The batch's appends, and where each of its event ids went: one record per append, so that
  // an append's result is not copied for each of its events.
  struct StagedAppend {
    Hash fingerprint{};
    AppendResult result;
    Seq primary_seq{};
  };
  struct StagedId {
    uint32_t append;  // index into appends
    Seq seq;
  };
  std::vector<StagedAppend> appends;
  std::unordered_map<EventId, StagedId, EventIdHash> ids;
  std::optional<keys::DecodedIdempotencyRecord> FindStaged(const EventId& id) const {
    auto it = ids.find(id);
    if (it == ids.end()) return std::nullopt;
    const StagedAppend& append = appends[it->second.append];
    keys::DecodedIdempotencyRecord found;
    found.record.seq = it->second.seq;
    found.record.fingerprint = append.fingerprint;
    found.record.result = append.result;
    found.primary_seq = append.primary_seq;
    return found;
  }
  // The data keys of the tickets this batch may open, made (synced) before it is staged.
  std::unordered_map<TicketId, privacy::DataKey> new_keys;
  RocksStore::Batch batch;
  std::vector<Event> events;  // seq first_seq, first_seq + 1, ...
  std::vector<Hash> leaves;   // their Merkle tree leaf hashes
};

LogWriter::LogWriter(RocksStore* store, const LogOptions& options, LogHead head)
    : store_(store), options_(options), written_head_(head), edge_tiles_(*store), head_(head) {
  // The sync stage exists only when it is asked for (docs/benchmarks.md, "Tuning").
  if (options_.tuning.pipelined_sync && options_.sync) {
    sync_thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "tl-sync");
      SyncLoop();
    });
  }
  writer_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tl-writer");
    WriterLoop();
  });
}

LogWriter::~LogWriter() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  writer_thread_.join();  // commits what was queued first
  if (sync_thread_.joinable()) {
    {
      std::lock_guard lock(sync_mu_);
      writer_done_ = true;
    }
    sync_cv_.notify_one();
    sync_thread_.join();  // syncs and completes what the writer handed over
  }
}

void LogWriter::Submit(std::vector<PendingAppend> appends) {
  bool closing;
  {
    std::lock_guard lock(queue_mu_);
    closing = stopping_;
    if (!closing) {
      for (auto& a : appends) queue_.push_back(std::move(a));
      appends.clear();
    }
  }
  for (auto& a : appends) a.done(Status::Unavailable("the log is closing"));
  queue_cv_.notify_one();
}

LogHead LogWriter::Head() const {
  std::lock_guard lock(head_mu_);
  return head_;
}

LogStats LogWriter::Stats() const {
  return LogStats{commits_.load(), appends_.load(), events_.load(), syncs_.load(),
                  sync_nanos_.load()};
}

void LogWriter::WriterLoop() {
  for (;;) {
    std::vector<PendingAppend> group;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      // Everything that queued up while the previous batch was written goes into this one,
      // within the batch limits: that is what makes one fsync serve many appends.
      size_t bytes = 0;
      while (!queue_.empty() && group.size() < options_.max_batch_appends &&
             bytes < options_.max_batch_bytes) {
        for (const auto& part : queue_.front().request.parts) {
          for (const auto& e : part.events) bytes += 256 + e.actor.size();
        }
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // With the sync stage, a lone append (a group of one, nothing else queued or syncing) is
    // still synced here: handing it over would only add a thread wake-up to its latency,
    // with nothing to overlap its fsync with (docs/benchmarks.md, "Tuning").
    const bool sync_here =
        !sync_thread_.joinable() || (group.size() == 1 && QueueEmpty() && SyncStageIdle());
    Batch batch = StageAndWrite(group, options_.sync && sync_here);
    if (!sync_here) {
      {
        std::lock_guard lock(sync_mu_);
        to_sync_.push_back(std::move(batch));
      }
      sync_cv_.notify_one();
    } else {
      Complete(batch);
    }
  }
}

bool LogWriter::QueueEmpty() {
  std::lock_guard lock(queue_mu_);
  return queue_.empty();
}

bool LogWriter::SyncStageIdle() {
  std::lock_guard lock(sync_mu_);
  return to_sync_.empty() && !sync_busy_;
}

LogWriter::Batch LogWriter::StageAndWrite(std::vector<PendingAppend>& group, bool sync) {
  Batch out;
  out.appends = std::move(group);
  if (stopped_ && !TryResume()) {
    std::lock_guard lock(stop_mu_);
    out.failure = stop_reason_;
    return out;
  }
  Staging st(store_->NewBatch());
  st.first_seq = st.next_seq = written_head_.seq.Next();
  st.hash = written_head_.hash;
  st.last_ticket = written_head_.last_ticket;
  // recorded_at never decreases along the log, whatever the clock does.
  st.recorded_at = std::max(options_.clock(), written_head_.last_recorded_at);
  if (options_.keys) {
    // Every ticket this batch may open gets its data key in one synced write, before anything
    // sealed under it is written, with the requester index digests of its requesters
    // (docs/privacy.md, "The requester index"). An open that is refused leaves a key for an id
    // that the next open takes (ids have no gaps), and KeyStore::CreateMany hands that one back;
    // its digests are only candidates, which a lookup confirms against the log.
    std::vector<uint64_t> opening;
    std::vector<std::vector<privacy::RequesterDigest>> opening_requesters;
    std::vector<privacy::TicketRequester> updated_requesters;
    for (const PendingAppend& pending : out.appends) {
      for (const StreamAppend& part : pending.request.parts) {
        if (!part.stream.is_ticket() || part.events.empty()) continue;
        const bool opens = std::holds_alternative<TicketOpened>(part.events[0].payload);
        std::vector<privacy::RequesterDigest> digests = RequesterDigests(part);
        if (opens) {
          opening.push_back(st.last_ticket.value() + opening.size() + 1);
          opening_requesters.push_back(std::move(digests));
        } else {
          for (const privacy::RequesterDigest& digest : digests) {
            updated_requesters.push_back({part.stream.ticket.value(), digest});
          }
        }
      }
    }
    if (!opening.empty()) {
      auto made = options_.keys->CreateMany(opening, opening_requesters);
      if (!made.ok()) {
        out.failure = made.status().WithContext("making the new tickets' data keys");
        return out;
      }
      for (size_t i = 0; i < opening.size(); ++i) {
        st.new_keys.emplace(TicketId(opening[i]), std::move((*made)[i]));
      }
    }
    // A changed requester of an existing ticket (rare): one more synced write.
    if (Status added = options_.keys->AddRequesters(updated_requesters); !added.ok()) {
      out.failure = added.WithContext("recording the requester index");
      return out;
    }
  }
  out.results.reserve(out.appends.size());
  for (PendingAppend& pending : out.appends) out.results.push_back(Stage(pending, st));
  if (st.events.empty()) return out;

  // The tree grows in the same batch as the log, so the two never disagree after a crash.
  auto tiles =
      tlog::AppendLeaves(static_cast<int64_t>(written_head_.seq.value()), st.leaves, edge_tiles_);
  if (!tiles.ok()) {
    out.failure = Status::LedgerCorrupt(fmt::format(
        "the Merkle tree's tiles do not match the log ({}); the ledger takes no more appends (run "
        "`ticketledger verify`)",
        tiles.status().message()));
    Stop(out.failure);
    return out;
  }
  StoredTiles::Put(*tiles, st.batch);
  const LogHead next{st.next_seq.Prev(), st.hash, st.last_ticket, st.recorded_at};
  st.batch.Put(Family::kMeta, keys::kMetaHead, keys::EncodeHead(next.seq, next.hash));
  // The ledger's durability promise: the WAL is fsynced before an append is acknowledged, so
  // it survives power loss. Either this write syncs, or the sync stage's one SyncWAL covers
  // this batch and every other written meanwhile.
  const auto start = std::chrono::steady_clock::now();
  Status written = store_->Write(st.batch, sync);
  if (sync) CountSync(std::chrono::steady_clock::now() - start);
  if (!written.ok()) {
    // The batch may or may not be in the WAL, so the state to stage on is unknown: stop.
    out.failure = written.WithContext(StopContext(written, "the log could not be written"));
    Stop(out.failure);
    return out;
  }
  commits_.fetch_add(1, std::memory_order_relaxed);
  edge_tiles_.Written(*tiles);
  // Ahead of durability: the next batch is staged on top of this one.
  for (auto& [prefix, version] : st.versions) versions_[prefix] = version;
  written_head_ = next;
  out.head = next;
  out.events = std::move(st.events);
  return out;
}

void LogWriter::SyncLoop() {
  for (;;) {
    std::deque<Batch> round;
    {
      std::unique_lock lock(sync_mu_);
      sync_cv_.wait(lock, [&] { return writer_done_ || !to_sync_.empty(); });
      if (to_sync_.empty()) return;  // the writer is done and everything is completed
      round.swap(to_sync_);
      sync_busy_ = true;
    }
    bool any_written = false;
    for (const Batch& b : round) any_written = any_written || !b.events.empty();
    if (any_written && sync_failure_.ok()) {
      const auto start = std::chrono::steady_clock::now();
      Status synced = store_->SyncWal();
      CountSync(std::chrono::steady_clock::now() - start);
      if (!synced.ok()) {
        // Whatever was written but not synced may or may not survive: nothing more can be
        // acknowledged, and the writer must stop staging on it.
        sync_failure_ = synced.WithContext(
            StopContext(synced, "the write-ahead log could not be made durable"));
        Stop(sync_failure_);
      }
    }
    for (Batch& b : round) {
      if (!sync_failure_.ok() && b.failure.ok()) b.failure = sync_failure_;
      Complete(b);
    }
    std::lock_guard lock(sync_mu_);
    sync_busy_ = false;  // only now: the writer may complete a batch itself after this round
  }
}

void LogWriter::Stop(const Status& reason) {
  std::lock_guard lock(stop_mu_);
  // The first failure stays the reason, except that a lasting one (a failed WAL, a corrupt
  // ledger) replaces a full disk's, which TryResume would otherwise end.
  if (stopped_ && !(stop_reason_.code() == StatusCode::kResourceExhausted &&
                    reason.code() != StatusCode::kResourceExhausted)) {
    return;
  }
  stop_reason_ = reason;
  resume_not_before_ = std::chrono::steady_clock::now() + kResumeInterval;
  stopped_ = true;
}

bool LogWriter::TryResume() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(stop_mu_);
    if (stop_reason_.code() != StatusCode::kResourceExhausted || now < resume_not_before_) {
      return false;
    }
    resume_not_before_ = now + kResumeInterval;
  }
  // Every batch written before the failure must be durable and answered. One written but not
  // synced is in a memtable, which the resume would flush: it would become durable without
  // ever being acknowledged, and the next batch would stage on seqs it holds. (With the sync
  // stage idle nothing is in flight, and the sync stage, the only other thread that stops the
  // log, stays idle while this thread resumes.)
  if (!SyncStageIdle() || written_head_.seq != Head().seq) return false;
  // Refuses when the WAL failed (RocksStore::Resume); RocksDB's error when space is still short.
  if (!store_->Resume().ok()) return false;
  std::lock_guard lock(stop_mu_);
  stop_reason_ = Status::Ok();
  stopped_ = false;
  return true;
}

void LogWriter::CountSync(std::chrono::steady_clock::duration took) {
  syncs_.fetch_add(1, std::memory_order_relaxed);
  sync_nanos_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count(),
                        std::memory_order_relaxed);
}

void LogWriter::Complete(Batch& batch) {
  if (!batch.failure.ok()) {
    // Nothing of the batch is acknowledged, and refusals in it may have depended on appends
    // that are gone: every append of the batch gets the error and may be retried.
    for (PendingAppend& pending : batch.appends) pending.done(batch.failure);
    return;
  }
  if (!batch.events.empty()) {
    {
      std::lock_guard lock(head_mu_);
      head_ = batch.head;
    }
    events_.fetch_add(batch.events.size(), std::memory_order_relaxed);
    if (listener_) listener_(batch.events);
  }
  appends_.fetch_add(batch.appends.size(), std::memory_order_relaxed);
  for (size_t i = 0; i < batch.appends.size(); ++i) {
    batch.appends[i].done(std::move(batch.results[i]));
  }
}

Result<Version> LogWriter::CurrentVersion(const std::string& prefix, const Staging& st) {
  if (auto it = st.versions.find(prefix); it != st.versions.end()) return it->second;
  if (auto it = versions_.find(prefix); it != versions_.end()) return it->second;
  // Every key of the stream is prefix + version:u64, so the last key below prefix + 0xff * 9
  // is the stream's newest, if the stream exists.
  TL_ASSIGN_OR_RETURN(auto last, store_->Last(Family::kStreams, prefix + std::string(9, '\xff')));
  Version v{};
  if (last && last->first.size() == prefix.size() + 8 && last->first.starts_with(prefix)) {
    v = Version(keys::GetU64(std::string_view(last->first).substr(prefix.size())));
  }
  versions_.emplace(prefix, v);
  return v;
}

Result<std::optional<keys::DecodedIdempotencyRecord>> LogWriter::FindId(const EventId& id,
                                                                        const Staging& st) const {
  using Found = std::optional<keys::DecodedIdempotencyRecord>;
  if (auto staged = st.FindStaged(id)) return staged;
  TL_ASSIGN_OR_RETURN(auto value, store_->Get(Family::kEventIds, IdKey(id)));
  if (!value) return Found();
  TL_ASSIGN_OR_RETURN(auto record, keys::DecodeIdempotencyRecord(*value));
  return Found(std::move(record));
}

std::vector<privacy::RequesterDigest> LogWriter::RequesterDigests(const StreamAppend& part) const {
  std::vector<privacy::RequesterDigest> digests;
  auto add = [&](const std::string& address) {
    auto digest = options_.keys->requester_index().RequesterKey(address);
    if (digest.ok() && std::find(digests.begin(), digests.end(), *digest) == digests.end()) {
      digests.push_back(*digest);
    }
  };
  for (const EventDraft& draft : part.events) {
    if (const auto* opened = std::get_if<TicketOpened>(&draft.payload)) add(opened->requester);
    if (const auto* updated = std::get_if<Updated>(&draft.payload); updated && updated->requester) {
      add(*updated->requester);
    }
  }
  return digests;
}

Result<privacy::DataKey> LogWriter::DataKeyOf(TicketId ticket, const Staging& st) const {
  if (auto it = st.new_keys.find(ticket); it != st.new_keys.end()) return it->second;
  TL_ASSIGN_OR_RETURN(privacy::KeyLookup found, options_.keys->Get(ticket.value()));
  switch (found.state) {
    case privacy::KeyState::kLive:
      return std::move(found.key);
    case privacy::KeyState::kErased:
      return Status::Rule("personal_data_erased",
                          fmt::format("ticket {}'s personal data was erased", ticket));
    case privacy::KeyState::kAbsent:
      break;
  }
  return Status::DataLoss(fmt::format("ticket {} has no data key in the key store", ticket));
}

Result<StreamId> LogWriter::StreamOfSeq(Seq seq, const Staging& st) const {
  if (seq >= st.first_seq && seq < st.next_seq)
    return st.events[seq.value() - st.first_seq.value()].stream;
  TL_ASSIGN_OR_RETURN(auto bytes, store_->Get(Family::kEvents, keys::SeqKey(seq)));
  if (!bytes) return Status::DataLoss(fmt::format("seq {}: missing", seq));
  auto event = DecodeEvent(*bytes);
  if (!event.ok()) return event.status().WithContext(fmt::format("seq {}", seq));
  return event->stream;
}

Result<AppendResult> LogWriter::Stage(PendingAppend& pending, Staging& st) {
  const AppendRequest& request = pending.request;
  TL_RETURN_IF_ERROR(CheckShape(request));
  const Hash& fingerprint = request.fingerprint;

  // Idempotency comes first (docs/api.md: before expected_version): a retry of a committed append
  // gets its original result whatever has happened to the stream since. Ids the ledger drew
  // itself (ids_are_fresh) cannot be known yet; only the batch is checked for them.
  const EventId& key = request.parts[0].events[0].event_id;
  std::optional<keys::DecodedIdempotencyRecord> existing;
  if (request.ids_are_fresh) {
    existing = st.FindStaged(key);
  } else {
    TL_ASSIGN_OR_RETURN(existing, FindId(key, st));
  }
  if (existing) {
    if (existing->record.fingerprint != fingerprint) {
      return Status::IdempotencyConflict(
          fmt::format("event id {} was used for other content", key.ToString()));
    }
    AppendResult replay = existing->record.result;
    TL_ASSIGN_OR_RETURN(replay.stream, StreamOfSeq(existing->primary_seq, st));
    replay.replayed = true;
    return replay;
  }
  if (!request.ids_are_fresh) {
    for (const StreamAppend& part : request.parts) {
      for (const EventDraft& draft : part.events) {
        if (&draft == &request.parts[0].events[0]) continue;
        TL_ASSIGN_OR_RETURN(auto other, FindId(draft.event_id, st));
        if (other) {
          return Status::IdempotencyConflict(
              fmt::format("event id {} is already in the log", draft.event_id.ToString()));
        }
      }
    }
  }

  // Versions: all parts are checked before anything is staged, so a refusal stages nothing.
  std::vector<StreamId> streams;
  std::vector<Version> currents;
  TicketId new_ticket{};
  for (const StreamAppend& part : request.parts) {
    StreamId stream = part.stream;
    const bool creates = stream.is_ticket() && stream.ticket.is_zero();
    if (creates) stream.ticket = new_ticket = st.last_ticket.Next();
    // A ticket above the highest id so far cannot have events yet: no lookup needed.
    Version current{};
    if (!stream.is_ticket() || stream.ticket <= st.last_ticket) {
      TL_ASSIGN_OR_RETURN(current, CurrentVersion(keys::StreamPrefix(stream), st));
    }
    const bool opens = std::holds_alternative<TicketOpened>(part.events[0].payload);
    if (stream.is_ticket() && current.is_zero()) {
      if (!opens) return Status::NotFound(fmt::format("ticket {} does not exist", stream.ticket));
      if (!creates) {
        // Explicit ids let a bulk loader address the tickets it opens in the same group;
        // they must still come in order, without gaps.
        if (stream.ticket != st.last_ticket.Next()) {
          return Status::BadField(fmt::format("the next ticket id is {}, not {}",
                                              st.last_ticket.Next(), stream.ticket));
        }
        new_ticket = stream.ticket;
      }
    }
    if (part.expected_version && *part.expected_version != current) {
      return Status::VersionConflict(fmt::format("{} is at version {}, not {}", stream.ToString(),
                                                 current, *part.expected_version),
                                     current.value());
    }
    for (size_t i = 0; i < part.events.size(); ++i) {
      bool is_opened = std::holds_alternative<TicketOpened>(part.events[i].payload);
      if (stream.is_ticket() && is_opened != (current.is_zero() && i == 0)) {
        return Status::BadField("a ticket stream starts with exactly one opened event");
      }
    }
    streams.push_back(std::move(stream));
    currents.push_back(current);
  }

  // The data key of each ticket stream whose events have personal fields to seal.
  std::vector<std::optional<privacy::DataKey>> part_keys(request.parts.size());
  if (options_.keys) {
    for (size_t p = 0; p < request.parts.size(); ++p) {
      if (!streams[p].is_ticket()) continue;
      const auto& events = request.parts[p].events;
      if (std::none_of(events.begin(), events.end(),
                       [](const EventDraft& d) { return HasPersonalFields(d.payload); })) {
        continue;
      }
      TL_ASSIGN_OR_RETURN(part_keys[p], DataKeyOf(streams[p].ticket, st));
    }
  }

  // Stage: from here on nothing can fail.
  if (!new_ticket.is_zero()) st.last_ticket = new_ticket;
  const Seq first = st.next_seq;
  size_t first_event_index = st.events.size();
  for (size_t p = 0; p < request.parts.size(); ++p) {
    const std::string prefix = keys::StreamPrefix(streams[p]);
    Version version = currents[p];
    for (size_t i = 0; i < request.parts[p].events.size(); ++i) {
      // Nothing reads a draft once it is staged (the completion only answers the append), so
      // its strings move into the event instead of being copied on the writer's thread.
      EventDraft& draft = pending.request.parts[p].events[i];
      Event e;
      e.seq = st.next_seq++;
      e.stream = streams[p];
      e.version = ++version;
      e.event_id = draft.event_id;
      e.occurred_at = draft.occurred_at;
      e.recorded_at = st.recorded_at;
      e.actor = std::move(draft.actor);
      e.recorded_by = std::move(draft.recorded_by);
      e.payload = std::move(draft.payload);
      if (auto* link = std::get_if<ChildLinked>(&e.payload); link && link->child.is_zero()) {
        link->child = new_ticket;
      }
      // The log stores the sealed form; the listener (the projections) gets the text.
      std::string bytes;
      if (part_keys[p] && HasPersonalFields(e.payload)) {
        Event sealed = e;
        SealPersonalFields(sealed, *part_keys[p]);
        bytes = EncodeEvent(sealed);
      } else {
        bytes = EncodeEvent(e);
      }
      st.leaves.push_back(tlog::LeafHash(bytes));
      st.hash = ChainHash(st.hash, bytes);
      const std::string seq_key = keys::SeqKey(e.seq);
      st.batch.Put(Family::kEvents, seq_key, bytes);
      st.batch.Put(Family::kChain, seq_key, HashBytes(st.hash));
      st.batch.Put(Family::kStreams, prefix + keys::VersionKey(e.version), seq_key);
      st.events.push_back(std::move(e));
    }
    st.versions[prefix] = version;
  }

  AppendResult result;
  result.stream = streams[0];
  result.version = st.versions[keys::StreamPrefix(streams[0])];
  result.first_seq = first;
  result.last_seq = st.next_seq.Prev();
  IdempotencyRecord record;
  record.fingerprint = fingerprint;
  record.result = result;
  const auto append_index = static_cast<uint32_t>(st.appends.size());
  for (size_t i = first_event_index; i < st.events.size(); ++i) {
    record.seq = st.events[i].seq;
    st.batch.Put(Family::kEventIds, IdKey(st.events[i].event_id),
                 keys::EncodeIdempotencyRecord(record, first));
    st.ids.emplace(st.events[i].event_id, Staging::StagedId{append_index, record.seq});
  }
  st.appends.push_back(Staging::StagedAppend{fingerprint, std::move(record.result), first});
  return result;
}

}  // namespace tl::ledger
