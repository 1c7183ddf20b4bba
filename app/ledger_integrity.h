// LedgerIntegrity: what the server knows of its ledger's integrity, and its answer to damage
// (docs/operations.md, "Integrity at start").
//
// At start, before serving, CheckAtOnce verifies the latest signed checkpoint with the
// ledger's key, that the stored tree has the root it commits to, and the log's tail beyond it
// event by event (chain and tree). StartBackground then walks the whole log on a thread of its
// own, at verify speed (EventLog::Verify: every event against its chain hash and the tree
// rebuilt from them, every index). On any mismatch the ledger is corrupt: the log refuses
// every append with 503 ledger_corrupt, the reason is logged loudly and kept for /readyz and
// /metrics, and no checkpoint is signed again. Reads go on; each event handed out is checked
// on its own anyway.
//
// Thread-safety: all methods may be called from any thread. The log must outlive this object,
// which joins its thread on destruction.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "ledger/store/event_log.h"
#include "ledger/tlog/note.h"

namespace tl::app {

// The whole check: EventLog::Verify (every event, index and tile, and the tree against the
// latest signed checkpoint's root), then that checkpoint's signature with `key` when given.
ledger::VerifyReport VerifyLedger(const ledger::EventLog& log, const tlog::NoteVerifier* key,
                                  const std::function<void(ledger::Seq, ledger::Seq)>& progress);

class LedgerIntegrity {
 public:
  enum class State { kUnchecked, kChecking, kVerified, kCorrupt };
  struct Snapshot {
    State state = State::kUnchecked;
    ledger::Seq checked{};  // events the background walk has verified so far
    ledger::Seq total{};    // events it walks
    std::string problem;    // why, when corrupt
  };

  LedgerIntegrity(ledger::EventLog& log, tlog::NoteVerifier key);
  ~LedgerIntegrity();
  LedgerIntegrity(const LedgerIntegrity&) = delete;
  LedgerIntegrity& operator=(const LedgerIntegrity&) = delete;

  // The quick check (see above). Returns the damage found, having marked the ledger corrupt;
  // OK when none.
  Status CheckAtOnce();
  // Walks the whole log in the background (once).
  void StartBackground();
  // Marks the ledger corrupt: refuses appends from now on. The first reason is kept.
  void MarkCorrupt(const Status& reason);

  Snapshot snapshot() const;
  bool corrupt() const { return corrupt_.load(); }
  static std::string_view StateName(State state);

 private:
  ledger::EventLog& log_;
  const tlog::NoteVerifier key_;
  std::atomic<bool> corrupt_{false};
  mutable std::mutex mu_;
  Snapshot snapshot_;  // guarded by mu_
  std::thread walker_;
};

}  // namespace tl::app
