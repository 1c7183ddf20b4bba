// EventLog: the append-only, hash-chained event log on RocksDB (docs/log-format.md).
//
// There is no update and no delete. Every commit is one atomic, synced RocksDB WriteBatch
// holding the events, their hash-chain entries, their stream-index and idempotency-index
// entries and the new head. Appends from many threads are queued and committed together by one
// writer thread (group commit, log_writer.h): each append's expected version and idempotency
// key are checked in queue order against everything committed before it, including earlier
// appends of the same batch, and the append's callback runs only once its batch is durable.
//
// Thread-safety: all methods may be called from any thread, except SetCommitListener, which
// must be called before the first append. Ownership: the EventLog owns the RocksDB handle;
// destroying it drains queued appends, then closes the database.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ledger/domain/event.h"
#include "ledger/domain/result.h"
#include "ledger/privacy/key_store.h"
#include "ledger/store/backup.h"
#include "ledger/store/table_compression.h"

namespace tl::ledger {

using Clock = std::function<TimeNs()>;
TimeNs SystemClockNow();
class FaultInjector;  // fault_injection.h

struct LogOptions {
  bool create_if_missing = true;
  // Open without the writer, for tools that only read (verify, log, export). RocksDB's
  // read-only mode; may run beside a live server's process.
  bool read_only = false;
  // fsync the WAL on every commit. Only tests of non-durable behaviour turn this off: an
  // acknowledged append must survive power loss.
  bool sync = true;
  // The writer commits at most this many appends (or bytes) in one WriteBatch.
  size_t max_batch_appends = 2048;
  size_t max_batch_bytes = 16u << 20;
  Clock clock = SystemClockNow;  // recorded_at; never decreases across commits
  // The optimisations that stay because docs/benchmarks.md ("Tuning") measured each worth at
  // least 5 % end to end. Both are on by default; Tuning::Plain() is the reference path (one
  // sequencer, RocksDB's own WAL files), and the crash and durability tests run both ways.
  struct Tuning {
    // A second thread makes written batches durable while the writer stages and writes the
    // next (log_writer.h). Off: the writer's own synced write makes each batch durable.
    bool pipelined_sync = true;
    // The WAL's files are written ahead with zeros, so that an fsync overwrites blocks instead
    // of growing the file, and the records themselves are written with one O_DIRECT write at
    // each sync (wal_file_system.h). Off: RocksDB's own WAL files.
    bool direct_wal = true;

    static Tuning Plain() { return Tuning{false, false}; }
    bool operator==(const Tuning&) const = default;
  };
  Tuning tuning;
  TableCompression compression = TableCompression::kNone;
  // The ticket data keys (docs/privacy.md). Given, the log seals every personal field it
  // writes under its ticket's key (a new ticket's key is made, synced, before its events are
  // written) and opens them on every read; the ledger is marked sealed when it is created, and a
  // sealed ledger opens for writing only with keys. Null: personal fields are stored as they are
  // given (tests and benchmarks of the log alone), and read back as stored; reading a sealed
  // ledger without keys (verify, export: an auditor) hands them out sealed (PersonalData::kSealed).
  std::shared_ptr<privacy::KeyStore> keys;
  // Tests only: storage faults injected under RocksDB (fault_injection.h). Null: none.
  std::shared_ptr<FaultInjector> fault_injector;
};

// An event before it is committed: seq, version, stream and recorded_at come from the log.
struct EventDraft {
  EventId event_id;
  TimeNs occurred_at = 0;
  std::string actor;
  std::string recorded_by;
  Payload payload;
};

struct StreamAppend {
  StreamId stream;  // StreamId::NewTicket() opens a ticket with the next id
  std::optional<Version> expected_version;
  std::vector<EventDraft> events;  // at least one
};

// One atomic append: all parts commit together or none does. parts[0] is the primary stream;
// the id of its first event is the idempotency key. A new ticket may only be parts[0], and in
// the other parts ChildLinked{0} names it.
struct AppendRequest {
  std::vector<StreamAppend> parts;
  // What "the same content" means when the idempotency key is seen again. Zero: computed from
  // the parts' streams, actors and payloads.
  Hash fingerprint{};
  // The caller guarantees that no event id of this append is in the log yet: ids just drawn
  // by EventId::Random (or derived from such an id; a collision of 122 random bits is not a
  // practical event), or minted from a counter into a log that was empty. The log then skips
  // the durable lookup of the ids and checks them only against the appends committed with them.
  bool ids_are_fresh = false;
};

struct AppendResult {
  StreamId stream;    // parts[0]'s stream, with the assigned id of a new ticket
  Version version{};  // parts[0]'s version after the commit
  Seq first_seq{};
  Seq last_seq{};         // the commit's highest seq of this append
  bool replayed = false;  // an idempotent retry: nothing appended, the original result
};

using AppendCallback = std::function<void(Result<AppendResult>)>;
// Called on one of the log's threads (one call at a time, commits in seq order) after each
// durable commit with its events in seq order, before any append of that commit returns: a listener
// that applies them gives read-your-writes. The log destroys its listener when its writer stops,
// before it closes the database, so whatever the listener owns may use the log until then.
using CommitListener = std::function<void(const std::vector<Event>&)>;

struct LogHead {
  Seq seq{};    // the last committed seq; 0 = empty
  Hash hash{};  // its chain hash; zeros when empty
  TicketId last_ticket{};
  TimeNs last_recorded_at = 0;
};

struct IdempotencyRecord {
  Seq seq{};  // the event that carries the id
  Hash fingerprint{};
  AppendResult result;  // what the append that wrote it returned
};

struct LogStats {
  uint64_t commits = 0;  // WriteBatches written
  uint64_t appends = 0;  // appends answered (replays and refusals included)
  uint64_t events = 0;   // events committed
  uint64_t syncs = 0;    // fsyncs of the write-ahead log
  // Time spent in those fsyncs: what an fsync costs under the current load, which on a shared
  // disk drifts by a factor of two within minutes (docs/benchmarks.md, Append).
  uint64_t sync_nanos = 0;

  // The counts since `before` (an earlier Stats() of the same log).
  LogStats Since(const LogStats& before) const {
    return LogStats{commits - before.commits, appends - before.appends, events - before.events,
                    syncs - before.syncs, sync_nanos - before.sync_nanos};
  }
  // How well appends were grouped, and what an fsync took on average (0 when there were none).
  double AppendsPerCommit() const { return commits ? static_cast<double>(appends) / commits : 0; }
  double AppendsPerSync() const { return syncs ? static_cast<double>(appends) / syncs : 0; }
  double MeanSyncMicros() const {
    return syncs ? static_cast<double>(sync_nanos) / syncs / 1e3 : 0;
  }
};

// A checkpoint of the Merkle tree as signed by the ledger's key: a C2SP signed note whose body
// is a tlog-checkpoint (docs/log-format.md, "Signed checkpoints").
struct SignedCheckpoint {
  Seq size{};            // the tree size it commits to
  TimeNs signed_at = 0;  // when the ledger signed it
  std::string note;      // the signed note, byte for byte
  bool operator==(const SignedCheckpoint&) const = default;
};

struct VerifyReport {
  bool ok = true;
  Seq events{};  // events checked
  Hash head{};
  Seq checkpoint_size{};  // the latest signed checkpoint checked against the tree; 0: none
  Seq bad_seq{};          // the first bad seq when !ok
  std::string reason;     // why
};

// The data keys one scan has looked up, for EventLog::OpenPersonal: a replay reads many events of
// each ticket, and a key store read (a RocksDB Get and an unwrap) per event was most of what
// sealing cost it (docs/privacy.md, "Figures"). It holds unwrapped data keys (wiped when freed)
// for as long as it lives, and does not see an erasure made meanwhile: keep one to one scan.
// At most `capacity` keys; when full it starts over. Not thread-safe.
class DataKeyCache {
 public:
  explicit DataKeyCache(size_t capacity = 4096) : capacity_(capacity) {}
  // The lookup of `ticket`, from the cache or else from `keys` (then kept).
  Result<const privacy::KeyLookup*> Get(const privacy::KeyStore& keys, uint64_t ticket);

 private:
  size_t capacity_;
  std::unordered_map<uint64_t, privacy::KeyLookup> keys_;
};

class EventLog {
 public:
  // Opens (or creates) the log in `dir`. Fails with kCorruption on a foreign or newer format.
  static Result<std::unique_ptr<EventLog>> Open(const std::string& dir, LogOptions options = {});
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void SetCommitListener(CommitListener listener);

  // Queues an append; `done` runs on one of the log's threads when it is durable or refused.
  // Refusals: kAborted (a version or idempotency conflict), kNotFound (a ticket that does not
  // exist), kInvalidArgument (a malformed request), kResourceExhausted (storage is full) and
  // kUnavailable (storage failed): nothing of the batch is acknowledged or visible; retry with
  // the same event ids (log_writer.h: when appends resume, and what a restart may find).
  void AppendAsync(AppendRequest request, AppendCallback done);
  // The same, waiting for the outcome.
  Result<AppendResult> Append(AppendRequest request);
  // Commits the requests in order as one group (bulk loading); one result per request.
  std::vector<Result<AppendResult>> AppendBatch(std::vector<AppendRequest> requests);
  // For a bulk loader that keeps several batches in flight from several threads: each batch is
  // encoded on its caller's thread, in parallel with the others, and then `wait_turn` runs
  // before it is queued for the writer and `queued` right after. The writer commits batches in
  // the order they were queued, so the loader keeps its order by letting each batch's turn
  // wait for the previous batch's `queued`.
  struct BatchTurn {
    std::function<void()> wait_turn;
    std::function<void()> queued;
  };
  std::vector<Result<AppendResult>> AppendBatch(std::vector<AppendRequest> requests,
                                                const BatchTurn& turn);

  LogHead Head() const;
  LogStats Stats() const;
  // The data keys the log seals and opens personal fields with (LogOptions::keys); null without.
  privacy::KeyStore* keys() const;
  // Refuses every later append with `reason` until the log is reopened: what the integrity
  // checks do on damage (app/ledger_integrity.h). A read-only log ignores it.
  void RefuseAppends(const Status& reason);
  // Starts writing what the log holds in memory to table files, in the background: a bulk
  // loader calls it between loads, so that less is left for the flush at close (which a
  // writable log does so that the next open has no write-ahead log to replay).
  Status StartFlush();
  // Adds a backup of the live log to `backup_dir` (created if missing) while appends go on
  // (backup.h): the database as of a moment after the call began, all column families alike.
  // Its seq is the head read before the copy starts, so every append acknowledged before the
  // call is in it. The memtables are flushed first (docs/operations.md, "Backups": why).
  // Refusals: kResourceExhausted (disk full), kUnavailable (any other I/O failure); a failed
  // backup leaves no backup behind. A read-only log refuses (kFailedPrecondition).
  Result<BackupInfo> Backup(const std::string& backup_dir);
  // For measuring what the log costs on disk (bench proofs, docs/benchmarks.md): writes
  // everything held in memory to table files and compacts every family, waiting for both;
  // then the bytes of each family's table files, named as ColumnFamilyNames() names them.
  Status FlushAndCompact();
  struct FamilyBytes {
    std::string family;
    uint64_t bytes = 0;
  };
  Result<std::vector<FamilyBytes>> TableFileBytes() const;

  // Events with seq in [from, to], in order, with their hashes; stops at the first error, which
  // names the seq. `visit` returning an error stops the scan with that error.
  Status Scan(Seq from, Seq to, const std::function<Status(const StoredEvent&)>& visit) const;
  // The personal fields of an event decoded from ScanBytes's bytes, as Scan would hand them out:
  // opened with the log's keys (empty and kErased once the ticket's key is destroyed), or
  // marked kSealed when the log has none. kDataLoss when a field does not open.
  Status OpenPersonal(Event& event) const;
  // The same, looking each ticket's key up once per `cache` rather than once per event (a
  // replay: bench seal measured the per-event key store read at most of sealing's cost).
  // Null: as OpenPersonal(event).
  Status OpenPersonal(Event& event, DataKeyCache* cache) const;
  // The stored bytes as they are, for export and independent verification.
  Status ScanRaw(
      Seq from, Seq to,
      const std::function<Status(Seq, std::string_view bytes, const Hash&)>& visit) const;
  // The stored bytes without their chain entries (a replay that checks the chain as a whole
  // recomputes it); the same order and errors as ScanRaw.
  Status ScanBytes(Seq from, Seq to,
                   const std::function<Status(Seq, std::string_view bytes)>& visit) const;
  // The chain hash stored for `seq` (the genesis hash for 0).
  Result<Hash> HashAt(Seq seq) const;
  // Up to `limit` events after seq `after`.
  Result<std::vector<StoredEvent>> Read(Seq after, size_t limit) const;
  Result<StoredEvent> ReadOne(Seq seq) const;
  // A stream's events with version <= max_version (all by default), in order.
  Result<std::vector<StoredEvent>> ReadStream(const StreamId& stream,
                                              Version max_version = Version::Max()) const;
  Result<Version> StreamVersion(const StreamId& stream) const;
  Result<std::optional<IdempotencyRecord>> LookupEventId(const EventId& id) const;

  // Walks the whole log: contiguity, decoding (canonical form), envelope seq, stream versions
  // and indexes, the hash chain and the head; rebuilds the Merkle tree from the events and
  // compares it with the stored tiles, and the tree with the root the latest signed checkpoint
  // commits to (not its signature: the key is the caller's, app/ledger_integrity.h). Fail-stop
  // at the first problem.
  VerifyReport Verify(const std::function<void(Seq done, Seq total)>& progress = {}) const;
  // The events from..to checked as a reader checks them (each against its chain hash) and
  // against the Merkle tree (each one's leaf hash is in the stored tiles): the quick check of
  // the log's tail beyond its latest signed checkpoint. kDataLoss naming the first bad seq.
  Status VerifyRange(Seq from, Seq to) const;
  // That the stored tree has exactly as many leaves as the log has events: no tile holds a
  // hash beyond the head (left behind when events were cut from the log's end). Only
  // meaningful while nothing is appended (at open, at start); kDataLoss otherwise.
  Status CheckTreeEdge() const;

  // The Merkle tree over the log (docs/log-format.md, "Merkle tree"): leaf i is seq i + 1, its
  // entry the event's stored bytes, hashed as RFC 9162 says. A size is a number of leaves.
  // kInvalidArgument for sizes or seqs outside 1 <= seq <= size (from <= to), kNotFound for a
  // size beyond the head, kDataLoss when the stored tiles are damaged.
  Result<Hash> TreeRoot(Seq size) const;
  // RFC 9162 inclusion proof of `seq` in the tree of `size`, deepest hash first.
  Result<std::vector<Hash>> InclusionProof(Seq seq, Seq size) const;
  // RFC 9162 consistency proof from the tree of `from` to the tree of `to` (empty if equal).
  Result<std::vector<Hash>> ConsistencyProof(Seq from, Seq to) const;
  // The stored bytes of `seq`, its tree entry, checked against its chain hash.
  Result<std::string> Entry(Seq seq) const;

  // Signed checkpoints of the tree, kept forever, in their own family, oldest first. Add
  // writes synced; it refuses (kInvalidArgument) a size beyond the head or not above the
  // latest one's. Checking that the note is signed and consistent is the signer's job
  // (app/checkpoint_signer.h); the log only keeps what it is given.
  Status AddSignedCheckpoint(const SignedCheckpoint& checkpoint);
  Result<std::optional<SignedCheckpoint>> LatestSignedCheckpoint() const;
  // Up to `limit` checkpoints with size > after_size, oldest first.
  Result<std::vector<SignedCheckpoint>> SignedCheckpoints(Seq after_size, size_t limit) const;

  // Projection checkpoints, in their own column family. Not part of the chain.
  Status PutCheckpoint(std::string_view name, std::string_view bytes);
  Result<std::optional<std::string>> GetCheckpoint(std::string_view name) const;

  // Names the RocksDB column families; for tools and docs.
  static std::vector<std::string> ColumnFamilyNames();

 private:
  struct Impl;
  explicit EventLog(std::unique_ptr<Impl> impl);
  void CheckSignedCheckpoint(Seq head, VerifyReport& report) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tl::ledger
