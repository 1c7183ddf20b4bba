// GroupCommitWriter: the single writer of the log, in two stages.
//
//   writer thread: takes everything queued (up to the batch limits), checks each append in order
//     against the committed state plus everything staged before it, and writes the accepted
//     ones as one RocksDB WriteBatch to the memtable and the WAL file, without waiting for the
//     disk.
//   sync thread: takes every batch written so far and makes the WAL durable with one fsync
//     (SyncWAL), then hands the durable batches to
//   completion thread: in order, publishes the new head, calls the commit listener and
//     completes the appends.
// Large batches (LogOptions::pipeline_min_appends, bulk loads) add a stage: the writer thread
// checks and stages batch k+1 while a RocksDB-writing thread writes batch k to the memtables
// and the WAL, then hands it to the sync thread (memtable inserts are about 60 % of a bulk
// batch's writer time, so the two halves overlap). At most one batch is in flight there; the
// writer stages on top of it (its ids and streams stay visible to the checks) and writes a
// small batch itself only after it. A failed RocksDB write stops the log, like a failed fsync:
// the batches staged on top of it cannot be written either.
// A lone append on an idle log skips the hand-offs: the writer thread syncs and completes it
// itself (a raw RocksDB writer pays one fsync and no hand-off; we would otherwise pay three
// thread wake-ups on top). Only one thread runs a sync round at a time (syncing_), and rounds
// are completed in the order they were synced, so the order of everything above is kept.
// So the CPU work of batch k+1 overlaps the fsync of batch k, one fsync covers every batch
// written while the previous one ran, and the next fsync starts as soon as the last one ends
// instead of after dozens of wake-ups (measured: see docs/benchmarks.md, Append). Nothing is
// visible to readers (whose reads stop at the published head) or acknowledged before it is durable.
// If an fsync fails the log stops accepting appends: what was written but not synced may or may not
// survive a restart, and none of it was acknowledged. Private to ledger/.
//
// Thread-safety: Submit, Head and Stats may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ledger/store/event_log.h"
#include "ledger/store/log_keys.h"
#include "ledger/store/rocks_store.h"

namespace tl::ledger {

struct PendingAppend {
  AppendRequest request;
  AppendCallback done;
  // templates[p][e]: part p's event e encoded by the appender's thread with placeholder
  // envelope values (codec.h), or empty when the writer must encode it (a new ticket's stream,
  // a ChildLinked naming it).
  std::vector<std::vector<std::string>> templates;
};

// Work done on the appender's thread so that the single writer does less: encodes the events'
// templates and computes the default fingerprint.
void PrepareTemplates(PendingAppend& pending);

class GroupCommitWriter {
 public:
  GroupCommitWriter(RocksStore* store, const LogOptions& options, LogHead head);
  ~GroupCommitWriter();  // commits what is queued, then stops
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  void SetListener(CommitListener listener) { listener_ = std::move(listener); }
  // Queues the appends contiguously, in order.
  void Submit(std::vector<PendingAppend> appends);

  LogHead Head() const;  // the published (durable) head
  LogStats Stats() const;

 private:
  struct Staging;
  // A written batch on its way to durability.
  struct Written {
    std::vector<PendingAppend> appends;
    std::vector<Result<AppendResult>> results;
    std::vector<Event> events;
    LogHead head;       // after this batch
    Status write_status;  // not OK: nothing of the batch was written
  };

  // A batch handed to the RocksDB-writing thread.
  struct RocksJob {
    RocksStore::Batch batch;
    Written written;
  };

  void WriterLoop();
  void RocksWriteLoop();
  void SyncLoop();
  void CompletionLoop();
  // One sync round, by whichever thread holds the sync stage (syncing_): fsyncs and marks the
  // round's batches failed if it failed. Returns how long the fsync took (zero: none).
  std::chrono::steady_clock::duration Sync(std::deque<Written>& round);
  // From the sync thread: completes `durable` (in order, after everything handed over before).
  void HandOver(std::deque<Written> durable, size_t appends);
  void Complete(std::deque<Written>& durable);
  // Checks and stages a group on top of everything staged before (advancing written_head_ and
  // versions_); `st` holds the batch to write. Returns the results, not yet written.
  Written StageGroup(std::vector<PendingAppend>& group, Staging& st);
  // Writes a staged batch to RocksDB (the memtables and the WAL, not synced).
  void WriteStaged(RocksStore::Batch& batch, Written& written);
  // Writer thread: waits until the RocksDB-writing thread has written its batch, if any, and
  // forgets that batch's staging.
  void WaitForRocksWrite();
  // Stops the log: every later append fails with `error`. The first failure wins.
  void Fail(Status error);
  Result<AppendResult> Stage(PendingAppend& pending, Staging& st);
  Result<Version> CurrentVersion(const std::string& prefix, const Staging& st);
  Result<std::optional<keys::DecodedIdempotencyRecord>> FindId(const EventId& id,
                                                              const Staging& st) const;
  Result<StreamId> StreamOfSeq(Seq seq, const Staging& st) const;

  RocksStore* store_;  // not owned; outlives the writer
  LogOptions options_;
  CommitListener listener_;

  // Writer thread only: the head including written-but-unsynced batches, and the last version
  // of each stream seen so far (by stream key prefix), likewise ahead of the published head.
  LogHead written_head_;
  std::unordered_map<std::string, Version> versions_;
  // Writer thread only: the staging of the batch the RocksDB-writing thread has (its ids and
  // events' streams, for the checks of the next batch); null when none.
  std::unique_ptr<Staging> in_flight_;

  std::mutex rocks_mu_;
  std::condition_variable rocks_cv_;   // a job was handed over, or finished, or stop
  std::optional<RocksJob> rocks_job_;  // guarded by rocks_mu_: handed over, not yet written
  bool rocks_busy_ = false;            // guarded by rocks_mu_: a job is handed over or written
  bool rocks_stop_ = false;            // guarded by rocks_mu_

  mutable std::mutex head_mu_;
  LogHead head_;  // guarded by head_mu_; written only by the sync thread

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingAppend> queue_;  // guarded by queue_mu_
  bool stopping_ = false;            // guarded by queue_mu_

  std::mutex sync_mu_;
  std::condition_variable sync_cv_;        // the writer has handed over a batch
  std::deque<Written> to_sync_;  // guarded by sync_mu_
  bool writer_done_ = false;     // guarded by sync_mu_
  bool syncing_ = false;  // guarded by sync_mu_: a sync round runs (on the sync or writer thread)
  // Guarded by sync_mu_: the appends of the latest sync round (on either thread). The sync
  // thread gathers until as many are written again; the writer syncs a lone append itself
  // only when that round was small too, i.e. the log serves a lone appender.
  size_t last_round_appends_ = 0;
  std::atomic<bool> failing_{false};  // Fail() has been called
  std::atomic<bool> failed_{false};
  Status failure_;  // written by the first Fail() before failed_ is set

  std::mutex done_mu_;
  std::condition_variable done_cv_;  // the sync thread has handed over durable batches
  std::deque<Written> durable_;      // guarded by done_mu_
  bool completing_ = false;          // guarded by done_mu_: a thread is completing a round
  bool sync_done_ = false;           // guarded by done_mu_

  std::atomic<uint64_t> commits_{0}, syncs_{0}, appends_{0}, events_{0}, sync_nanos_{0};
  // Last: started after everything above is initialised, joined first.
  std::thread completion_thread_;
  std::thread sync_thread_;
  std::thread rocks_thread_;
  std::thread writer_thread_;
};

// The default fingerprint of an append: SHA-256 over its streams, actors and payloads.
Hash ComputeFingerprint(const AppendRequest& request);

}  // namespace tl::ledger
