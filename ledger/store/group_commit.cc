#include "ledger/store/group_commit.h"

#include <pthread.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "ledger/store/codec.h"
#include "ledger/store/hash_chain.h"

namespace tl::ledger {
namespace {

// A round of at most this many appends is a lone appender's: the writer syncs it itself and
// the syncing thread completes it, without handing it over.
constexpr size_t kLoneRoundAppends = 2;

// Appends with at most this many events are checked for a repeated id by scanning; larger ones
// by sorting.
constexpr size_t kScannedIds = 16;

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
    if (part.stream.is_ticket() && part.stream.ticket == 0 && i != 0) {
      return Status::BadField("only the primary stream of an append may be a new ticket");
    }
    if (!part.stream.is_ticket() &&
        (part.stream.name.empty() || part.stream.name.size() > keys::kMaxStreamName)) {
      return Status::BadField(fmt::format("a queue or service name has 1 to {} bytes",
                                          keys::kMaxStreamName));
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
          link && link->child == 0 && request.parts[0].stream.ticket != 0) {
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

void PrepareTemplates(PendingAppend& pending) {
  AppendRequest& request = pending.request;
  // The default fingerprint is a hash over every payload: computed here too, off the writer.
  if (request.fingerprint == Hash{}) request.fingerprint = ComputeFingerprint(request);
  pending.templates.resize(request.parts.size());
  for (size_t p = 0; p < request.parts.size(); ++p) {
    const StreamAppend& part = request.parts[p];
    std::vector<std::string>& templates = pending.templates[p];
    templates.resize(part.events.size());
    if (part.stream.is_ticket() && part.stream.ticket == 0) continue;  // id not known yet
    for (size_t i = 0; i < part.events.size(); ++i) {
      const EventDraft& draft = part.events[i];
      if (const auto* link = std::get_if<ChildLinked>(&draft.payload); link && link->child == 0) {
        continue;
      }
      Event e;
      e.stream = part.stream;
      e.event_id = draft.event_id;
      e.occurred_at = draft.occurred_at;
      e.actor = draft.actor;
      e.recorded_by = draft.recorded_by;
      e.payload = draft.payload;
      templates[i] = EncodeEventTemplate(std::move(e));
    }
  }
}

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

// What one batch has staged so far, on top of the written state.
struct GroupCommitWriter::Staging {
  explicit Staging(RocksStore::Batch b) : batch(std::move(b)) {}
  Seq first_seq = 0;
  Seq next_seq = 0;
  Hash hash{};
  TicketId last_ticket = 0;
  TimeNs recorded_at = 0;
  std::unordered_map<std::string, Version> versions;
  // The batch's appends, and where each of its event ids went. One record per append, not
  // per event: the map's nodes stay small and an append's result (with its stream's name) is
  // not copied for each of its events (perf: the map was 14 % of the writer's import time).
  struct StagedAppend {
    Hash fingerprint{};
    AppendResult result;
    Seq primary_seq = 0;
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
  RocksStore::Batch batch;
  std::vector<Event> events;  // seq first_seq, first_seq + 1, ...
  // Of a batch handed to the RocksDB-writing thread: its events' streams, which leave with
  // it (for the next group's StreamOfSeq).
  std::vector<StreamId> streams;
};

GroupCommitWriter::GroupCommitWriter(RocksStore* store, const LogOptions& options, LogHead head)
    : store_(store),
      options_(options),
      written_head_(head),
      head_(head),
      completion_thread_([this] {
        pthread_setname_np(pthread_self(), "tl-complete");
        CompletionLoop();
      }),
      sync_thread_([this] {
        pthread_setname_np(pthread_self(), "tl-sync");
        SyncLoop();
      }),
      rocks_thread_([this] {
        pthread_setname_np(pthread_self(), "tl-rocks-write");
        RocksWriteLoop();
      }),
      writer_thread_([this] {
        pthread_setname_np(pthread_self(), "tl-writer");
        WriterLoop();
      }) {}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  writer_thread_.join();  // writes what was queued, then tells the sync thread it is done
  rocks_thread_.join();   // stopped by the writer once its last batch is written
  sync_thread_.join();    // syncs what was written, then tells the completion thread
  completion_thread_.join();
}

void GroupCommitWriter::Submit(std::vector<PendingAppend> appends) {
  bool refused = failed_.load();
  {
    std::lock_guard lock(queue_mu_);
    refused = refused || stopping_;
    if (!refused) {
      for (auto& a : appends) queue_.push_back(std::move(a));
      appends.clear();
    }
  }
  for (auto& a : appends) {
    a.done(failed_ ? failure_ : Status::Unavailable("the log is closing"));
  }
  queue_cv_.notify_one();
}

LogHead GroupCommitWriter::Head() const {
  std::lock_guard lock(head_mu_);
  return head_;
}

LogStats GroupCommitWriter::Stats() const {
  return LogStats{commits_.load(), appends_.load(), events_.load(), syncs_.load(),
                  sync_nanos_.load()};
}

void GroupCommitWriter::WriterLoop() {
  // Writes whatever is queued as soon as it is queued: the batches written while an fsync runs
  // are all covered by the next one. (Holding the queue until the sync thread had taken the
  // previous batch made bigger batches but cost every append an extra fsync period of
  // waiting: 34 k vs 38 k appends/s with 64 appenders, medians of three interleaved runs.)
  for (;;) {
    std::vector<PendingAppend> group;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and everything queued is written
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
    Staging st(store_->NewBatch());
    Written written = StageGroup(group, st);
    if (written.appends.size() >= options_.pipeline_min_appends && !written.events.empty()) {
      // Bulk: the RocksDB-writing thread writes it (and hands it to the sync thread) while
      // this thread stages the next group on top of it.
      WaitForRocksWrite();
      st.streams.reserve(written.events.size());  // for the next group's StreamOfSeq
      for (const Event& e : written.events) st.streams.push_back(e.stream);
      RocksJob job{std::move(st.batch), std::move(written)};
      in_flight_ = std::make_unique<Staging>(std::move(st));
      {
        std::lock_guard lock(rocks_mu_);
        rocks_job_.emplace(std::move(job));
        rocks_busy_ = true;
      }
      rocks_cv_.notify_one();
      continue;
    }
    WaitForRocksWrite();  // RocksDB gets the batches in order
    if (!written.events.empty()) WriteStaged(st.batch, written);
    // A lone appender on an idle log: sync and complete it here, saving the two thread
    // hand-offs (to the sync thread, and from it) that would otherwise be most of its latency
    // beyond the fsync itself. Under load the sync thread keeps the fsyncs back to back. The
    // latest round must have been small as well: after a large round completes, the first
    // appender back finds the queue empty for a moment, and syncing it here held the writer
    // for a whole fsync while the rest of the round queued behind it (6 % of the fsyncs with
    // 64 appenders).
    bool sync_here = false;
    if (options_.sync && written.appends.size() <= kLoneRoundAppends) {
      std::scoped_lock lock(queue_mu_, sync_mu_);
      sync_here = queue_.empty() && to_sync_.empty() && !syncing_ &&
                  last_round_appends_ <= kLoneRoundAppends;
      if (sync_here) syncing_ = true;
    }
    if (sync_here) {
      std::deque<Written> round;
      round.push_back(std::move(written));
      const size_t appends = round.front().appends.size();
      Sync(round);
      HandOver(std::move(round), appends);
      std::lock_guard lock(sync_mu_);
      syncing_ = false;
      last_round_appends_ = appends;
    } else {
      std::lock_guard lock(sync_mu_);
      to_sync_.push_back(std::move(written));
    }
    sync_cv_.notify_one();
  }
  WaitForRocksWrite();
  {
    std::lock_guard lock(rocks_mu_);
    rocks_stop_ = true;
  }
  rocks_cv_.notify_one();
  {
    std::lock_guard lock(sync_mu_);
    writer_done_ = true;
  }
  sync_cv_.notify_one();
}

void GroupCommitWriter::RocksWriteLoop() {
  for (;;) {
    std::optional<RocksJob> job;
    {
      std::unique_lock lock(rocks_mu_);
      rocks_cv_.wait(lock, [&] { return rocks_stop_ || rocks_job_.has_value(); });
      if (!rocks_job_) return;  // stopping: the writer hands over nothing more
      job.swap(rocks_job_);
    }
    WriteStaged(job->batch, job->written);
    {
      std::lock_guard lock(sync_mu_);
      to_sync_.push_back(std::move(job->written));
    }
    sync_cv_.notify_one();
    {
      std::lock_guard lock(rocks_mu_);
      rocks_busy_ = false;
    }
    rocks_cv_.notify_all();
  }
}

void GroupCommitWriter::WaitForRocksWrite() {
  if (!in_flight_) return;
  std::unique_lock lock(rocks_mu_);
  rocks_cv_.wait(lock, [&] { return !rocks_busy_; });
  in_flight_.reset();
}

void GroupCommitWriter::Fail(Status error) {
  bool expected = false;
  if (!failing_.compare_exchange_strong(expected, true)) return;
  failure_ = std::move(error);
  failed_ = true;
}

void GroupCommitWriter::SyncLoop() {
  std::chrono::steady_clock::duration last_fsync{};
  for (;;) {
    std::deque<Written> batch;
    size_t appends_in_batch = 0;
    auto take = [&] {
      for (Written& w : to_sync_) {
        appends_in_batch += w.appends.size();
        batch.push_back(std::move(w));
      }
      to_sync_.clear();
    };
    {
      std::unique_lock lock(sync_mu_);
      sync_cv_.wait(lock, [&] { return writer_done_ || (!to_sync_.empty() && !syncing_); });
      if (to_sync_.empty()) {
        {
          std::lock_guard done_lock(done_mu_);
          sync_done_ = true;
        }
        done_cv_.notify_one();
        return;
      }
      syncing_ = true;
      take();
      // Gather: the appenders answered by the previous fsync usually append again at once.
      // Waiting a fraction of an fsync for them lets one fsync cover all of them instead of
      // splitting them over two (measured: 26 k -> 30-33 k appends/s with 64 appenders). A single
      // appender never waits: it is the whole of the previous round.
      if (options_.sync) {
        const auto deadline = std::chrono::steady_clock::now() + last_fsync / 2;
        while (appends_in_batch < last_round_appends_ && !writer_done_ &&
               sync_cv_.wait_until(lock, deadline) != std::cv_status::timeout) {
          take();
        }
        take();
      }
    }
    if (auto took = Sync(batch); took.count() > 0) {
      last_fsync =
          std::min<std::chrono::steady_clock::duration>(took, std::chrono::milliseconds(5));
    }
    HandOver(std::move(batch), appends_in_batch);
    {
      std::lock_guard lock(sync_mu_);
      syncing_ = false;
      last_round_appends_ = appends_in_batch;
    }
  }
}

std::chrono::steady_clock::duration GroupCommitWriter::Sync(std::deque<Written>& round) {
  // One fsync makes every batch written so far durable (SyncWAL covers all completed writes).
  std::chrono::steady_clock::duration took{};
  bool any_written = false;
  for (const Written& w : round) any_written = any_written || !w.events.empty();
  if (any_written && options_.sync && !failed_) {
    const auto fsync_start = std::chrono::steady_clock::now();
    Status synced = store_->SyncWal();
    took = std::chrono::steady_clock::now() - fsync_start;
    syncs_.fetch_add(1, std::memory_order_relaxed);
    sync_nanos_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count(),
                          std::memory_order_relaxed);
    if (!synced.ok()) {
      Fail(Status::Unavailable(
          fmt::format("the write-ahead log could not be made durable ({}); restart the ledger",
                      synced.message())));
    }
  }
  // Decided here, not at completion: a later fsync's failure must not fail a batch that this
  // one made durable.
  for (Written& w : round) {
    if (failed_ && w.write_status.ok()) w.write_status = failure_;
  }
  return took;
}

void GroupCommitWriter::HandOver(std::deque<Written> durable, size_t appends) {
  // Rounds this small are cheaper to complete here than to hand over (one wake-up less on a
  // lone appender's latency); larger ones would hold up the next fsync.
  {
    std::unique_lock lock(done_mu_);
    if (!durable_.empty() || completing_ || appends > kLoneRoundAppends) {
      for (Written& w : durable) durable_.push_back(std::move(w));
      lock.unlock();
      done_cv_.notify_one();
      return;
    }
    completing_ = true;  // nothing pending: completing here keeps the order
  }
  Complete(durable);
  std::lock_guard lock(done_mu_);
  completing_ = false;
}

void GroupCommitWriter::CompletionLoop() {
  for (;;) {
    std::deque<Written> durable;
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait(lock, [&] { return sync_done_ || !durable_.empty(); });
      if (durable_.empty()) return;
      durable.swap(durable_);
      completing_ = true;
    }
    Complete(durable);
    std::lock_guard lock(done_mu_);
    completing_ = false;
  }
}

void GroupCommitWriter::Complete(std::deque<Written>& durable) {
  for (Written& w : durable) {
    if (!w.write_status.ok()) {
      // Nothing of the batch is durable, and refusals may have depended on appends that are
      // gone: every append of the batch gets the error and may be retried.
      for (PendingAppend& pending : w.appends) pending.done(w.write_status);
      continue;
    }
    if (!w.events.empty()) {
      {
        std::lock_guard lock(head_mu_);
        head_ = w.head;
      }
      events_.fetch_add(w.events.size(), std::memory_order_relaxed);
      if (listener_) listener_(w.events);
    }
    appends_.fetch_add(w.appends.size(), std::memory_order_relaxed);
    for (size_t i = 0; i < w.appends.size(); ++i) w.appends[i].done(std::move(w.results[i]));
  }
}

Result<Version> GroupCommitWriter::CurrentVersion(const std::string& prefix, const Staging& st) {
  if (auto it = st.versions.find(prefix); it != st.versions.end()) return it->second;
  if (auto it = versions_.find(prefix); it != versions_.end()) return it->second;
  // Every key of the stream is prefix + version:u64, so the last key below prefix + 0xff * 9
  // is the stream's newest, if the stream exists.
  TL_ASSIGN_OR_RETURN(auto last, store_->Last(Family::kStreams, prefix + std::string(9, '\xff')));
  Version v = 0;
  if (last && last->first.size() == prefix.size() + 8 && last->first.starts_with(prefix)) {
    v = keys::GetU64(std::string_view(last->first).substr(prefix.size()));
  }
  versions_.emplace(prefix, v);
  return v;
}

Result<std::optional<keys::DecodedIdempotencyRecord>> GroupCommitWriter::FindId(
    const EventId& id, const Staging& st) const {
  using Found = std::optional<keys::DecodedIdempotencyRecord>;
  if (auto staged = st.FindStaged(id)) return staged;
  if (in_flight_) {
    if (auto staged = in_flight_->FindStaged(id)) return staged;
  }
  TL_ASSIGN_OR_RETURN(auto value, store_->Get(Family::kEventIds, IdKey(id)));
  if (!value) return Found();
  TL_ASSIGN_OR_RETURN(auto record, keys::DecodeIdempotencyRecord(*value));
  return Found(std::move(record));
}

Result<StreamId> GroupCommitWriter::StreamOfSeq(Seq seq, const Staging& st) const {
  if (seq >= st.first_seq && seq < st.next_seq) return st.events[seq - st.first_seq].stream;
  if (in_flight_ && seq >= in_flight_->first_seq && seq < in_flight_->next_seq) {
    return in_flight_->streams[seq - in_flight_->first_seq];
  }
  TL_ASSIGN_OR_RETURN(auto bytes, store_->Get(Family::kEvents, keys::SeqKey(seq)));
  if (!bytes) return Status::DataLoss(fmt::format("seq {}: missing", seq));
  auto event = DecodeEvent(*bytes);
  if (!event.ok()) return event.status().WithContext(fmt::format("seq {}", seq));
  return event->stream;
}

Result<AppendResult> GroupCommitWriter::Stage(PendingAppend& pending, Staging& st) {
  const AppendRequest& request = pending.request;
  TL_RETURN_IF_ERROR(CheckShape(request));
  const Hash fingerprint =
      request.fingerprint == Hash{} ? ComputeFingerprint(request) : request.fingerprint;

  // Idempotency comes first (API.md: before expected_version): a retry of a committed append
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
  TicketId new_ticket = 0;
  for (const StreamAppend& part : request.parts) {
    StreamId stream = part.stream;
    const bool creates = stream.is_ticket() && stream.ticket == 0;
    if (creates) stream.ticket = new_ticket = st.last_ticket + 1;
    // A ticket above the highest id so far cannot have events yet: no lookup needed.
    Version current = 0;
    if (!stream.is_ticket() || stream.ticket <= st.last_ticket) {
      TL_ASSIGN_OR_RETURN(current, CurrentVersion(keys::StreamPrefix(stream), st));
    }
    const bool opens = std::holds_alternative<TicketOpened>(part.events[0].payload);
    if (stream.is_ticket() && current == 0) {
      if (!opens) return Status::NotFound(fmt::format("ticket {} does not exist", stream.ticket));
      if (!creates) {
        // Explicit ids let a bulk loader address the tickets it opens in the same group;
        // they must still come in order, without gaps.
        if (stream.ticket != st.last_ticket + 1) {
          return Status::BadField(fmt::format("the next ticket id is {}, not {}",
                                              st.last_ticket + 1, stream.ticket));
        }
        new_ticket = stream.ticket;
      }
    }
    if (part.expected_version && *part.expected_version != current) {
      return Status::VersionConflict(
          fmt::format("{} is at version {}, not {}", stream.ToString(), current,
                      *part.expected_version),
          current);
    }
    for (size_t i = 0; i < part.events.size(); ++i) {
      bool is_opened = std::holds_alternative<TicketOpened>(part.events[i].payload);
      if (stream.is_ticket() && is_opened != (current == 0 && i == 0)) {
        return Status::BadField("a ticket stream starts with exactly one opened event");
      }
    }
    streams.push_back(std::move(stream));
    currents.push_back(current);
  }

  // Stage: from here on nothing can fail.
  if (new_ticket != 0) st.last_ticket = new_ticket;
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
      if (auto* link = std::get_if<ChildLinked>(&e.payload); link && link->child == 0) {
        link->child = new_ticket;
      }
      std::string bytes = p < pending.templates.size() && i < pending.templates[p].size()
                              ? std::move(pending.templates[p][i])
                              : std::string();
      if (bytes.empty() || !PatchEnvelope(bytes, e.seq, e.version, e.recorded_at)) {
        bytes = EncodeEvent(e);
      }
      st.hash = ChainHash(st.hash, bytes);
      const std::string seq_key = keys::SeqKey(e.seq);
      st.batch.Put(Family::kEvents, seq_key, bytes);
      st.batch.Put(Family::kChain, seq_key, HashBytes(st.hash));
      st.batch.Put(Family::kStreams, prefix + keys::SeqKey(e.version), seq_key);
      st.events.push_back(std::move(e));
    }
    st.versions[prefix] = version;
  }

  AppendResult result;
  result.stream = streams[0];
  result.version = st.versions[keys::StreamPrefix(streams[0])];
  result.first_seq = first;
  result.last_seq = st.next_seq - 1;
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

GroupCommitWriter::Written GroupCommitWriter::StageGroup(std::vector<PendingAppend>& group,
                                                         Staging& st) {
  Written out;
  st.first_seq = st.next_seq = written_head_.seq + 1;
  st.hash = written_head_.hash;
  st.last_ticket = written_head_.last_ticket;
  st.recorded_at = std::max(options_.clock(), written_head_.last_recorded_at);

  out.results.reserve(group.size());
  st.appends.reserve(group.size());
  st.ids.reserve(group.size());
  for (PendingAppend& pending : group) out.results.push_back(Stage(pending, st));

  if (!st.events.empty()) {
    st.batch.Put(Family::kMeta, keys::kMetaHead, keys::EncodeHead(st.next_seq - 1, st.hash));
    // Ahead of the write: the next group is staged on top of this one. If the write fails,
    // the log stops (Fail), so nothing is staged on a state that was not written.
    for (auto& [prefix, version] : st.versions) versions_[prefix] = version;
    written_head_ = LogHead{st.next_seq - 1, st.hash, st.last_ticket, st.recorded_at};
    out.events = std::move(st.events);
    st.events.clear();
    out.head = written_head_;
  }
  out.appends = std::move(group);
  return out;
}

void GroupCommitWriter::WriteStaged(RocksStore::Batch& batch, Written& written) {
  // Not synced here: the sync thread makes it durable (and only then visible).
  written.write_status = failed_ ? failure_ : store_->Write(batch, /*sync=*/false);
  if (!written.write_status.ok()) {
    // A no-op when the log had already failed (the first failure stays the reason).
    Fail(Status::Unavailable(fmt::format("the log could not be written ({}); restart the ledger",
                                         written.write_status.message())));
    return;
  }
  commits_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace tl::ledger
