#include "ledger/store/event_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <vector>

#include "ledger/store/codec.h"
#include "ledger/store/event_log_impl.h"
#include "ledger/store/hash_chain.h"
#include "ledger/store/log_keys.h"
#include "ledger/store/rocks_backup.h"
#include "ledger/store/stored_tiles.h"
#include "ledger/tlog/tiles.h"

namespace tl::ledger {

TimeNs SystemClockNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// The head as the meta record states it, checked against the events family. A mismatch means
// the files were changed behind the ledger's back (the head and the last event are written in
// one batch): a writable log refuses to open, a read-only one opens so that Verify can say
// which seq is wrong.
Result<LogHead> LoadHead(const RocksStore& store, std::string* problem) {
  LogHead head;
  TL_ASSIGN_OR_RETURN(auto head_value, store.Get(Family::kMeta, keys::kMetaHead));
  if (head_value) {
    TL_ASSIGN_OR_RETURN(auto decoded, keys::DecodeHead(*head_value));
    head.seq = decoded.first;
    head.hash = decoded.second;
  }
  TL_ASSIGN_OR_RETURN(auto last_event, store.Last(Family::kEvents, {}));
  Seq last_seq{};
  if (last_event) {
    auto parsed = keys::ParseSeqKey(last_event->first);
    if (!parsed.ok()) {
      *problem = "malformed key in the events family";
      return head;
    }
    last_seq = *parsed;
  }
  if (last_seq != head.seq) {
    *problem =
        fmt::format("the head says seq {} but the last stored event is seq {}", head.seq, last_seq);
    return head;
  }
  if (last_event) {
    auto event = DecodeEvent(last_event->second);
    if (!event.ok()) {
      *problem = fmt::format("seq {}: {}", last_seq, event.status().message());
      return head;
    }
    head.last_recorded_at = event->recorded_at;
  }
  // Ticket keys start with 0x01 and queue keys with 0x02: the last key before 0x02 is the
  // newest version of the highest ticket.
  TL_ASSIGN_OR_RETURN(auto last_ticket, store.Last(Family::kStreams, std::string(1, '\x02')));
  if (last_ticket) {
    auto parsed = keys::ParseStreamKey(last_ticket->first);
    if (!parsed.ok()) {
      *problem = "malformed key in the streams family";
      return head;
    }
    if (parsed->first.is_ticket()) head.last_ticket = parsed->first.ticket;
  }
  return head;
}

// Checks the stored format version (writing it into a new ledger, with the sealed mark when the
// ledger is made with keys) and answers whether the ledger's personal fields are sealed.
Result<bool> CheckFormat(RocksStore& store, bool with_keys) {
  TL_ASSIGN_OR_RETURN(auto format, store.Get(Family::kMeta, keys::kMetaFormatVersion));
  if (!format) {
    TL_ASSIGN_OR_RETURN(auto any_event, store.Last(Family::kEvents, {}));
    if (any_event) return Status::DataLoss("events are stored but the format version is not");
    if (store.read_only()) return false;
    if (with_keys) {
      TL_RETURN_IF_ERROR(store.Put(Family::kMeta, keys::kMetaPersonalSealed, "1", /*sync=*/false));
    }
    std::string value;
    keys::PutU64(&value, keys::kFormatVersion);
    TL_RETURN_IF_ERROR(store.Put(Family::kMeta, keys::kMetaFormatVersion, value, /*sync=*/true));
    return with_keys;
  }
  if (format->size() != 8 || keys::GetU64(*format) != keys::kFormatVersion) {
    // Names both versions: an operator with a ledger of an older build must export it with that
    // build and import it with this one (docs/operations.md).
    return Status::DataLoss(fmt::format("ledger format {}, this build reads {}",
                                        format->size() == 8 ? keys::GetU64(*format) : 0,
                                        keys::kFormatVersion));
  }
  TL_ASSIGN_OR_RETURN(auto sealed, store.Get(Family::kMeta, keys::kMetaPersonalSealed));
  return sealed.has_value();
}

}  // namespace

EventLog::EventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventLog::~EventLog() = default;

std::vector<std::string> EventLog::ColumnFamilyNames() {
  std::vector<std::string> names;
  for (int i = 0; i < kFamilyCount; ++i) {
    names.emplace_back(FamilyName(static_cast<Family>(i)));
  }
  return names;
}

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir, LogOptions options) {
  auto impl = std::make_unique<Impl>();
  TL_ASSIGN_OR_RETURN(
      impl->store,
      RocksStore::Open(dir, {options.create_if_missing && !options.read_only, options.read_only,
                             options.tuning.direct_wal, options.sync, options.compression,
                             options.fault_injector}));
  TL_ASSIGN_OR_RETURN(impl->sealed, CheckFormat(*impl->store, options.keys != nullptr));
  if (!options.read_only && impl->sealed != (options.keys != nullptr)) {
    // One ledger never mixes sealed and clear personal fields.
    return Status::InvalidArgument(
        "personal_data_keys",
        impl->sealed
            ? fmt::format("the ledger in {} seals personal data: it opens for writing only "
                          "with its master key and key store",
                          dir)
            : fmt::format("the ledger in {} was made without data keys: it cannot "
                          "take sealed personal data",
                          dir));
  }
  impl->keys = options.keys;
  std::string problem;
  TL_ASSIGN_OR_RETURN(impl->opened_head, LoadHead(*impl->store, &problem));
  if (!options.read_only) {
    impl->writer = std::make_unique<LogWriter>(impl->store.get(), options, impl->opened_head);
  }
  auto log = std::unique_ptr<EventLog>(new EventLog(std::move(impl)));
  // A damaged log still opens, for reading and for finding the damage, but takes nothing.
  if (problem.empty()) {
    if (Status edge = log->CheckTreeEdge(); !edge.ok()) problem = std::string(edge.message());
  }
  if (!problem.empty()) {
    log->RefuseAppends(
        Status::LedgerCorrupt(problem + " (run `ticketledger verify` to locate the damage)"));
  }
  return log;
}

void EventLog::SetCommitListener(CommitListener listener) {
  if (impl_->writer) impl_->writer->SetListener(std::move(listener));
}

void EventLog::AppendAsync(AppendRequest request, AppendCallback done) {
  if (!impl_->writer) {
    done(Status::Unavailable("the log is open read-only"));
    return;
  }
  if (request.fingerprint == Hash{}) request.fingerprint = ComputeFingerprint(request);
  std::vector<PendingAppend> one;
  one.push_back(PendingAppend{std::move(request), std::move(done)});
  impl_->writer->Submit(std::move(one));
}

Result<AppendResult> EventLog::Append(AppendRequest request) {
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  AppendAsync(std::move(request),
              [&promise](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

std::vector<Result<AppendResult>> EventLog::AppendBatch(std::vector<AppendRequest> requests) {
  return AppendBatch(std::move(requests), BatchTurn{});
}

std::vector<Result<AppendResult>> EventLog::AppendBatch(std::vector<AppendRequest> requests,
                                                        const BatchTurn& turn) {
  std::vector<Result<AppendResult>> results(requests.size(),
                                            Status::Unavailable("the log is open read-only"));
  if (!impl_->writer || requests.empty()) {
    // Still take the turn: a later batch of the same loader waits for it.
    if (turn.wait_turn) turn.wait_turn();
    if (turn.queued) turn.queued();
    return results;
  }
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    size_t remaining;
  } shared;
  shared.remaining = requests.size();
  std::vector<PendingAppend> pending;
  pending.reserve(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    AppendRequest& request = requests[i];
    if (request.fingerprint == Hash{}) request.fingerprint = ComputeFingerprint(request);
    pending.push_back(PendingAppend{std::move(request), [&, i](Result<AppendResult> r) {
                                      std::lock_guard lock(shared.mu);
                                      results[i] = std::move(r);
                                      if (--shared.remaining == 0) shared.cv.notify_one();
                                    }});
  }
  if (turn.wait_turn) turn.wait_turn();
  impl_->writer->Submit(std::move(pending));
  if (turn.queued) turn.queued();
  std::unique_lock lock(shared.mu);
  shared.cv.wait(lock, [&] { return shared.remaining == 0; });
  return results;
}

LogHead EventLog::Head() const {
  return impl_->writer ? impl_->writer->Head() : impl_->opened_head;
}

void EventLog::RefuseAppends(const Status& reason) {
  if (impl_->writer) impl_->writer->Stop(reason);
}

LogStats EventLog::Stats() const { return impl_->writer ? impl_->writer->Stats() : LogStats{}; }

Result<BackupInfo> EventLog::Backup(const std::string& backup_dir) {
  if (!impl_->writer) {
    return Status::Rule("read_only", "a log open read-only cannot be backed up (no flush)");
  }
  // Read before the engine starts: every append acknowledged by now has been published, so
  // its batch is in the database the engine copies (docs/operations.md, "Backups").
  const Seq seq = Head().seq;
  return CreateBackup(*impl_->store, backup_dir, seq);
}

Status EventLog::StartFlush() {
  if (!impl_->writer) return Status::BadField("the log is open read-only");
  return impl_->store->StartFlush();
}

Status EventLog::FlushAndCompact() {
  if (!impl_->writer) return Status::BadField("the log is open read-only");
  return impl_->store->FlushAndCompact();
}

Result<std::vector<EventLog::FamilyBytes>> EventLog::TableFileBytes() const {
  std::vector<FamilyBytes> sizes;
  for (int f = 0; f < kFamilyCount; ++f) {
    const Family family = static_cast<Family>(f);
    TL_ASSIGN_OR_RETURN(uint64_t bytes, impl_->store->TableFileBytes(family));
    sizes.push_back(FamilyBytes{std::string(FamilyName(family)), bytes});
  }
  return sizes;
}

namespace {

// A long scan (a replay, an export) reads around the block cache; a short one (a page of
// events) may well be read again and keeps its blocks cached.
RocksStore::CacheUse CacheFor(Seq from, Seq to) {
  constexpr uint64_t kLongScan = 4096;  // events
  return to.value() - from.value() >= kLongScan ? RocksStore::CacheUse::kBypass
                                                : RocksStore::CacheUse::kFill;
}

}  // namespace

Status EventLog::ScanRaw(
    Seq from, Seq to,
    const std::function<Status(Seq, std::string_view, const Hash&)>& visit) const {
  // Bounded here, so that both iterators end at the same seq whatever is appended meanwhile.
  to = std::min(to, Head().seq);
  if (from.is_zero()) from = Seq{1};
  if (from > to) return Status::Ok();
  TL_ASSIGN_OR_RETURN(Hash prev, impl_->HashAt(from.Prev()));
  Impl::LeafCheck tile;
  // The chain entries are walked with a second iterator in step with the events': a point
  // lookup per event cost a quarter of a replay (callgrind).
  RocksStore::Cursor chain = impl_->store->NewCursor(Family::kChain, keys::SeqKey(from),
                                                     keys::SeqKey(to.Next()), CacheFor(from, to));
  return ScanBytes(from, to, [&](Seq seq, std::string_view bytes) -> Status {
    TL_ASSIGN_OR_RETURN(const Hash hash, Impl::TakeChainHash(chain, seq));
    TL_RETURN_IF_ERROR(Impl::CheckChain(seq, prev, bytes, hash));
    TL_RETURN_IF_ERROR(impl_->CheckLeaf(seq, bytes, tile));
    prev = hash;
    return visit(seq, bytes, hash);
  });
}

Status EventLog::ScanBytes(Seq from, Seq to,
                           const std::function<Status(Seq, std::string_view)>& visit) const {
  to = std::min(to, Head().seq);
  if (from.is_zero()) from = Seq{1};
  if (from > to) return Status::Ok();
  RocksStore::Cursor events = impl_->store->NewCursor(Family::kEvents, keys::SeqKey(from),
                                                      keys::SeqKey(to.Next()), CacheFor(from, to));
  for (Seq expected = from; expected <= to; ++expected, events.Next()) {
    if (!events.Valid()) {
      TL_RETURN_IF_ERROR(events.status());
      return Status::DataLoss(fmt::format("seq {}: missing", expected));
    }
    auto seq = keys::ParseSeqKey(events.key());
    if (!seq.ok() || *seq != expected) {
      return Status::DataLoss(fmt::format("seq {}: missing", expected));
    }
    TL_RETURN_IF_ERROR(visit(expected, events.value()));
  }
  return Status::Ok();
}

Result<Hash> EventLog::HashAt(Seq seq) const { return impl_->HashAt(seq); }

privacy::KeyStore* EventLog::keys() const { return impl_->keys.get(); }

Status EventLog::OpenPersonal(Event& event) const { return impl_->OpenPersonal(event); }

Status EventLog::OpenPersonal(Event& event, DataKeyCache* cache) const {
  return impl_->OpenPersonal(event, cache);
}

Result<const privacy::KeyLookup*> DataKeyCache::Get(const privacy::KeyStore& keys,
                                                    uint64_t ticket) {
  if (auto it = keys_.find(ticket); it != keys_.end()) return &it->second;
  TL_ASSIGN_OR_RETURN(privacy::KeyLookup found, keys.Get(ticket));
  if (keys_.size() >= capacity_) keys_.clear();
  return &keys_.emplace(ticket, std::move(found)).first->second;
}

Status EventLog::Scan(Seq from, Seq to,
                      const std::function<Status(const StoredEvent&)>& visit) const {
  if (from.is_zero()) from = Seq{1};
  TL_ASSIGN_OR_RETURN(Hash prev, impl_->HashAt(from.Prev()));
  return ScanRaw(from, to, [&](Seq seq, std::string_view bytes, const Hash& hash) -> Status {
    TL_ASSIGN_OR_RETURN(Event event, impl_->DecodeAt(seq, bytes));
    StoredEvent stored{std::move(event), prev, hash};
    prev = hash;
    return visit(stored);
  });
}

Result<std::vector<StoredEvent>> EventLog::Read(Seq after, size_t limit) const {
  std::vector<StoredEvent> out;
  // Past the head there is nothing yet (a feed's reader polls there): an empty page, not a
  // missing event; and `after + 1` must not wrap to seq 1.
  if (limit == 0 || after >= Head().seq) return out;
  Seq to =
      after.value() + limit < after.value() ? Seq::Max() : Seq(after.value() + limit);  // saturate
  TL_RETURN_IF_ERROR(Scan(after.Next(), to, [&](const StoredEvent& e) {
    out.push_back(e);
    return Status::Ok();
  }));
  return out;
}

Result<StoredEvent> EventLog::ReadOne(Seq seq) const {
  if (seq.is_zero() || seq > Head().seq) return Status::NotFound(fmt::format("no seq {}", seq));
  TL_ASSIGN_OR_RETURN(std::string bytes, Entry(seq));
  StoredEvent stored;
  TL_ASSIGN_OR_RETURN(stored.event, impl_->DecodeAt(seq, bytes));
  TL_ASSIGN_OR_RETURN(stored.prev_hash, impl_->HashAt(seq.Prev()));
  TL_ASSIGN_OR_RETURN(stored.hash, impl_->HashAt(seq));
  return stored;
}

Result<std::string> EventLog::Entry(Seq seq) const {
  if (seq.is_zero() || seq > Head().seq) return Status::NotFound(fmt::format("no seq {}", seq));
  TL_ASSIGN_OR_RETURN(auto bytes, impl_->store->Get(Family::kEvents, keys::SeqKey(seq)));
  if (!bytes) return Status::DataLoss(fmt::format("seq {}: missing", seq));
  TL_ASSIGN_OR_RETURN(const Hash prev, impl_->HashAt(seq.Prev()));
  TL_ASSIGN_OR_RETURN(const Hash hash, impl_->HashAt(seq));
  TL_RETURN_IF_ERROR(Impl::CheckChain(seq, prev, *bytes, hash));
  Impl::LeafCheck tile;
  TL_RETURN_IF_ERROR(impl_->CheckLeaf(seq, *bytes, tile));
  return std::move(*bytes);
}

Result<std::vector<StoredEvent>> EventLog::ReadStream(const StreamId& stream,
                                                      Version max_version) const {
  const std::string prefix = keys::StreamPrefix(stream);
  const Seq head = Head().seq;
  std::vector<Seq> seqs;
  Status failure;
  TL_RETURN_IF_ERROR(impl_->store->Scan(
      Family::kStreams, keys::StreamKey(stream, Version{1}), prefix + std::string(9, '\xff'),
      [&](std::string_view key, std::string_view value) {
        if (key.size() != prefix.size() + 8 || value.size() != 8) {
          failure = Status::DataLoss(fmt::format("{}: malformed index entry", stream.ToString()));
          return false;
        }
        Version v(keys::GetU64(key.substr(prefix.size())));
        Seq seq(keys::GetU64(value));
        if (v > max_version || seq > head) return false;
        if (v.value() != seqs.size() + 1) {
          failure = Status::DataLoss(fmt::format("{}: version {} missing from the index",
                                                 stream.ToString(), seqs.size() + 1));
          return false;
        }
        seqs.push_back(seq);
        return true;
      }));
  TL_RETURN_IF_ERROR(failure);
  std::vector<StoredEvent> events;
  events.reserve(seqs.size());
  for (Seq seq : seqs) {
    TL_ASSIGN_OR_RETURN(auto stored, ReadOne(seq));
    if (!(stored.event.stream == stream) || stored.event.version.value() != events.size() + 1) {
      return Status::DataLoss(
          fmt::format("seq {}: indexed as {} version {} but the event disagrees", seq,
                      stream.ToString(), events.size() + 1));
    }
    events.push_back(std::move(stored));
  }
  return events;
}

Result<Version> EventLog::StreamVersion(const StreamId& stream) const {
  const std::string prefix = keys::StreamPrefix(stream);
  TL_ASSIGN_OR_RETURN(auto last,
                      impl_->store->Last(Family::kStreams, prefix + std::string(9, '\xff')));
  if (!last || last->first.size() != prefix.size() + 8 || !last->first.starts_with(prefix)) {
    return Version{0};
  }
  return Version(keys::GetU64(std::string_view(last->first).substr(prefix.size())));
}

Result<std::optional<IdempotencyRecord>> EventLog::LookupEventId(const EventId& id) const {
  using Found = std::optional<IdempotencyRecord>;
  TL_ASSIGN_OR_RETURN(
      auto value, impl_->store->Get(Family::kEventIds,
                                    std::string_view(reinterpret_cast<const char*>(id.bytes.data()),
                                                     id.bytes.size())));
  if (!value) return Found();
  TL_ASSIGN_OR_RETURN(auto decoded, keys::DecodeIdempotencyRecord(*value));
  if (decoded.primary_seq > Head().seq) return Found();  // committing right now; not yet visible
  TL_ASSIGN_OR_RETURN(auto primary, ReadOne(decoded.primary_seq));
  decoded.record.result.stream = primary.event.stream;
  decoded.record.result.replayed = true;
  return Found(std::move(decoded.record));
}

namespace {

// The tree's sizes and seqs as docs/api.md's contract checks them, before any tile is read.
Status CheckTreeSize(Seq size, Seq head) {
  if (size.is_zero()) return Status::BadField("a tree size is at least 1");
  if (size > head) {
    return Status::NotFound(fmt::format("the tree has {} leaves, not {}", head, size));
  }
  return Status::Ok();
}

}  // namespace

Result<Hash> EventLog::TreeRoot(Seq size) const {
  TL_RETURN_IF_ERROR(CheckTreeSize(size, Head().seq));
  return tlog::TreeRoot(static_cast<int64_t>(size.value()), StoredTiles(*impl_->store));
}

Result<std::vector<Hash>> EventLog::InclusionProof(Seq seq, Seq size) const {
  if (seq.is_zero() || seq > size) {
    return Status::BadField(fmt::format("seq {} is not in a tree of size {}", seq, size));
  }
  TL_RETURN_IF_ERROR(CheckTreeSize(size, Head().seq));
  return tlog::InclusionProof(static_cast<int64_t>(seq.value() - 1),
                              static_cast<int64_t>(size.value()), StoredTiles(*impl_->store));
}

Result<std::vector<Hash>> EventLog::ConsistencyProof(Seq from, Seq to) const {
  if (from.is_zero() || from > to) {
    return Status::BadField(fmt::format("no consistency proof from size {} to {}", from, to));
  }
  TL_RETURN_IF_ERROR(CheckTreeSize(to, Head().seq));
  return tlog::ConsistencyProof(static_cast<int64_t>(from.value()),
                                static_cast<int64_t>(to.value()), StoredTiles(*impl_->store));
}

Status EventLog::AddSignedCheckpoint(const SignedCheckpoint& checkpoint) {
  if (impl_->store->read_only()) return Status::Unavailable("the log is open read-only");
  if (checkpoint.size.is_zero() || checkpoint.size > Head().seq) {
    return Status::BadField(fmt::format("a checkpoint of size {} is beyond the head (seq {})",
                                        checkpoint.size, Head().seq));
  }
  TL_ASSIGN_OR_RETURN(auto latest, LatestSignedCheckpoint());
  if (latest && checkpoint.size <= latest->size) {
    return Status::BadField(fmt::format("a checkpoint of size {} is not above the latest ({})",
                                        checkpoint.size, latest->size));
  }
  return impl_->store->Put(Family::kSigned, keys::SignedKey(checkpoint.size),
                           keys::EncodeSigned(checkpoint.signed_at, checkpoint.note),
                           /*sync=*/true);
}

Result<std::optional<SignedCheckpoint>> EventLog::LatestSignedCheckpoint() const {
  TL_ASSIGN_OR_RETURN(auto last, impl_->store->Last(Family::kSigned, {}));
  if (!last) return std::optional<SignedCheckpoint>();
  TL_ASSIGN_OR_RETURN(const Seq size, keys::ParseSeqKey(last->first));
  TL_ASSIGN_OR_RETURN(auto decoded, keys::DecodeSigned(last->second));
  return std::optional<SignedCheckpoint>(
      SignedCheckpoint{size, decoded.first, std::move(decoded.second)});
}

Result<std::vector<SignedCheckpoint>> EventLog::SignedCheckpoints(Seq after_size,
                                                                  size_t limit) const {
  std::vector<SignedCheckpoint> out;
  if (limit == 0 || after_size == Seq::Max()) return out;
  Status problem;
  TL_RETURN_IF_ERROR(impl_->store->Scan(
      Family::kSigned, keys::SignedKey(after_size.Next()), {},
      [&](std::string_view key, std::string_view value) {
        auto size = keys::ParseSeqKey(key);
        auto decoded = keys::DecodeSigned(value);
        if (!size.ok() || !decoded.ok()) {
          problem = Status::DataLoss("malformed signed checkpoint record");
          return false;
        }
        out.push_back(SignedCheckpoint{*size, decoded->first, std::move(decoded->second)});
        return out.size() < limit;
      }));
  TL_RETURN_IF_ERROR(problem);
  return out;
}

Status EventLog::PutCheckpoint(std::string_view name, std::string_view bytes) {
  if (impl_->store->read_only()) return Status::Unavailable("the log is open read-only");
  // Not synced: a checkpoint lost in a crash only means a longer replay at the next start.
  return impl_->store->Put(Family::kCheckpoints, name, bytes, /*sync=*/false);
}

Result<std::optional<std::string>> EventLog::GetCheckpoint(std::string_view name) const {
  return impl_->store->Get(Family::kCheckpoints, name);
}

}  // namespace tl::ledger
