// LogWriter: the log's single writer (docs/architecture.md, "The write path").
//
// Appends from any thread are queued. One thread, the sequencer, takes everything queued (up to
// LogOptions' batch limits), checks each append in queue order against the committed state plus
// the appends staged before it, gives its events their seqs, versions and recorded_at, encodes
// them, chains their hashes and writes the whole batch as one RocksDB WriteBatch with
// sync = true: one fsync for every append that arrived while the previous batch was written
// (group commit). Only then does it publish the new head, call the commit listener and complete
// the appends, in order, so nothing is visible or acknowledged before it is durable.
//
// One tuning, on by default (its gain is measured in docs/benchmarks.md) and switched off by
// LogOptions::Tuning::Plain(): with
// LogOptions::tuning.pipelined_sync a second thread, the sync stage, makes written batches
// durable with one SyncWAL each round and completes them, in order, while the sequencer stages
// and writes (unsynced) the next batch on top of them. Readers still see only durable commits:
// the head is published by whoever completes. A lone append (a group of one with nothing else
// queued or syncing) is still synced and completed by the sequencer: there is nothing to
// overlap its fsync with, and the hand-off would add to its latency.
//
// A failed write or fsync stops the log: none of the batch was acknowledged or published, and
// every later append is refused with the same error (its code kept: kResourceExhausted when
// storage is full), since the state the writer would stage on can no longer be known. Most
// stops last until the ledger is reopened. After a failed write or sync of RocksDB's WAL the
// batch may be in the WAL file, and with the sync stage in a memtable too, so the next batch
// could not safely reuse its seqs. When RocksDB closes that file it is cut back to its last
// sync (wal_errors_at_sync.h), so a clean restart finds no refused batch; after a crash, one
// that reached the file may be replayed (whole: RocksDB replays a record whole or not at all),
// and retries of its appends get their idempotent replays. After a failed fsync the kernel may
// have dropped the pages it could not write: no fsync of that file is tried again.
//
// One stop ends in the same process: storage was full, the failure never touched the WAL (a
// flush, compaction or MANIFEST write ran out of space, and RocksDB refused the batch before
// writing it anywhere), and every batch written before it is durable and answered. Then the
// first append that arrives at least a second after the last try has the writer ask
// RocksStore::Resume, and if RocksDB takes writes again the writer stages on as before: the
// refused batch left nothing behind, so its seqs are free.
//
// Private to the store. Thread-safety: Submit, Head and Stats may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ledger/store/event_log.h"
#include "ledger/store/log_keys.h"
#include "ledger/store/rocks_store.h"
#include "ledger/store/stored_tiles.h"

namespace tl::ledger {

struct PendingAppend {
  AppendRequest request;  // its fingerprint already computed (EventLog fills a zero one in)
  AppendCallback done;
};

class LogWriter {
 public:
  LogWriter(RocksStore* store, const LogOptions& options, LogHead head);
  ~LogWriter();  // commits what is queued, then stops
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  void SetListener(CommitListener listener) { listener_ = std::move(listener); }
  // Queues the appends contiguously, in order.
  void Submit(std::vector<PendingAppend> appends);

  LogHead Head() const;  // the published (durable) head
  LogStats Stats() const;
  // Refuses every later append with `reason`; the first call wins, but a lasting reason
  // replaces a full disk's (which may end: TryResume).
  void Stop(const Status& reason);

 private:
  struct Staging;
  // A group of appends on its way to its callbacks: staged and written, or refused.
  struct Batch {
    std::vector<PendingAppend> appends;
    std::vector<Result<AppendResult>> results;  // one per append, when failure is OK
    std::vector<Event> events;                  // what it appended, in seq order
    LogHead head;                               // after it, when it appended anything
    Status failure;                             // not OK: every append of it gets this
  };

  void WriterLoop();
  // Sequencer: checks and stages the group on top of everything written so far and writes it
  // (synced unless the sync stage runs).
  Batch StageAndWrite(std::vector<PendingAppend>& group, bool sync);
  bool QueueEmpty();
  // Nothing handed to the sync stage is waiting or being completed.
  bool SyncStageIdle();
  void SyncLoop();
  // Publishes the batch's head, tells the listener and answers its appends.
  void Complete(Batch& batch);
  // Sequencer, stopped: whether the stop could be ended now (see above), and if so ends it.
  bool TryResume();
  void CountSync(std::chrono::steady_clock::duration took);
  Result<AppendResult> Stage(PendingAppend& pending, Staging& st);
  Result<Version> CurrentVersion(const std::string& prefix, const Staging& st);
  Result<std::optional<keys::DecodedIdempotencyRecord>> FindId(const EventId& id,
                                                               const Staging& st) const;
  Result<StreamId> StreamOfSeq(Seq seq, const Staging& st) const;
  // The requester index digests of the requesters `part` opens its ticket with or changes it
  // to (none for an empty address), each once.
  std::vector<privacy::RequesterDigest> RequesterDigests(const StreamAppend& part) const;
  // The live data key of `ticket` (made for this batch, or from the key store); a rule error
  // when its personal data was erased.
  Result<privacy::DataKey> DataKeyOf(TicketId ticket, const Staging& st) const;

  RocksStore* store_;  // not owned; outlives the writer
  LogOptions options_;
  CommitListener listener_;

  // Sequencer only: the head including written batches not yet durable, and the last version
  // of each stream seen so far (by key prefix), likewise ahead of the published head.
  LogHead written_head_;
  std::unordered_map<std::string, Version> versions_;
  EdgeTiles edge_tiles_;  // the tree's partial tiles, as written

  mutable std::mutex head_mu_;
  LogHead head_;  // guarded by head_mu_: the durable head, written by whoever completes

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingAppend> queue_;  // guarded by queue_mu_
  bool stopping_ = false;            // guarded by queue_mu_

  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::deque<Batch> to_sync_;  // guarded by sync_mu_: written, waiting for the sync stage
  bool writer_done_ = false;   // guarded by sync_mu_
  bool sync_busy_ = false;     // guarded by sync_mu_: a round is being synced and completed
  Status sync_failure_;        // sync stage only: a failed SyncWAL, after which none is tried

  std::mutex stop_mu_;
  std::atomic<bool> stopped_{false};
  Status stop_reason_;  // guarded by stop_mu_; set before stopped_, cleared only by TryResume
  std::chrono::steady_clock::time_point resume_not_before_;  // guarded by stop_mu_

  std::atomic<uint64_t> commits_{0}, syncs_{0}, appends_{0}, events_{0}, sync_nanos_{0};
  // Started in the constructor once everything above is initialised.
  std::thread sync_thread_;
  std::thread writer_thread_;
};

// The default fingerprint of an append: SHA-256 over its streams, actors and payloads.
Hash ComputeFingerprint(const AppendRequest& request);

}  // namespace tl::ledger
