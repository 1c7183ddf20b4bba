// CheckpointSigner: signs checkpoints of the ledger's Merkle tree as it grows
// (docs/log-format.md, "Signed checkpoints").
//
// A thread looks at the log's head four times a second and, when the log has grown, signs a
// C2SP tlog-checkpoint of the new size with the ledger's key and stores it (synced): a new
// checkpoint follows growth within one second, and at most about one is signed per second
// however fast the log grows. Before it signs, it proves the new tree consistent with the last
// checkpoint it signed (an RFC 9162 consistency proof from the stored tiles, verified against
// both roots), so it never signs a history that contradicts one it signed before; on a
// mismatch it signs nothing more and reports the ledger corrupt.
//
// Thread-safety: all methods may be called from any thread. The log (and the integrity, if
// given) must outlive the signer, which joins its thread on destruction.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "app/ledger_integrity.h"
#include "ledger/store/event_log.h"
#include "ledger/tlog/note.h"

namespace tl::app {

class CheckpointSigner {
 public:
  struct Options {
    // The longest a grown log waits for its checkpoint.
    std::chrono::milliseconds within{1000};
    ledger::Clock clock = ledger::SystemClockNow;  // signed_at
  };

  // `integrity`, when given, is told of a mismatch and stops the signing while it reports
  // the ledger corrupt.
  CheckpointSigner(ledger::EventLog& log, tlog::NoteSigner signer, LedgerIntegrity* integrity,
                   Options options);
  ~CheckpointSigner();
  CheckpointSigner(const CheckpointSigner&) = delete;
  CheckpointSigner& operator=(const CheckpointSigner&) = delete;

  // Signs and stores a checkpoint of the current head if it is beyond the latest one. Returns
  // the latest checkpoint afterwards (nullopt on an empty log).
  Result<std::optional<ledger::SignedCheckpoint>> SignNow();
  // Starts the thread that calls SignNow as the log grows.
  void Start();

  const tlog::NoteVerifier& verifier() const { return signer_.verifier(); }
  uint64_t signed_count() const { return signed_.load(); }

 private:
  void Loop();

  ledger::EventLog& log_;
  const tlog::NoteSigner signer_;
  LedgerIntegrity* integrity_;
  const Options options_;
  std::mutex sign_mu_;  // one SignNow at a time
  std::atomic<uint64_t> signed_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace tl::app
