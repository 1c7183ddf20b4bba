// GroupCommitWriter: the single writer of the log. Appenders queue requests; the writer thread
// takes everything queued (up to the batch limits), checks each request in order against the
// committed state plus the batch so far, and commits the accepted ones in one synced
// WriteBatch. Private to ledger/.
//
// Thread-safety: Submit, Head and Stats may be called from any thread; everything else runs on
// the writer thread. The writer owns the stream-version cache and the head.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ledger/event_log.h"
#include "ledger/log_keys.h"
#include "ledger/rocks_store.h"

namespace tl::ledger {

struct PendingAppend {
  AppendRequest request;
  AppendCallback done;
};

class GroupCommitWriter {
 public:
  GroupCommitWriter(RocksStore* store, const LogOptions& options, LogHead head);
  ~GroupCommitWriter();  // commits what is queued, then stops
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  void SetListener(CommitListener listener) { listener_ = std::move(listener); }
  // Queues the appends contiguously, in order.
  void Submit(std::vector<PendingAppend> appends);

  LogHead Head() const;
  LogStats Stats() const;

 private:
  struct Staging;

  void Run();
  void Commit(std::vector<PendingAppend>& group);
  Result<AppendResult> Stage(const AppendRequest& request, Staging& st);
  Result<Version> CurrentVersion(const std::string& prefix, const Staging& st);
  Result<std::optional<keys::DecodedIdempotencyRecord>> FindId(const EventId& id,
                                                              const Staging& st) const;
  Result<StreamId> StreamOfSeq(Seq seq, const Staging& st) const;

  RocksStore* store_;  // not owned; outlives the writer
  LogOptions options_;
  CommitListener listener_;

  mutable std::mutex head_mu_;
  LogHead head_;  // guarded by head_mu_; written only by the writer thread

  // Last committed version of each stream seen so far, by stream key prefix. Writer thread only.
  std::unordered_map<std::string, Version> versions_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingAppend> queue_;  // guarded by queue_mu_
  bool stopping_ = false;            // guarded by queue_mu_

  std::atomic<uint64_t> commits_{0}, appends_{0}, events_{0};
  std::thread thread_;  // last: started after everything above is initialised
};

// The default fingerprint of an append: SHA-256 over its streams, actors and payloads.
Hash ComputeFingerprint(const AppendRequest& request);

}  // namespace tl::ledger
