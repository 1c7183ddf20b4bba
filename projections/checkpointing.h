// Checkpointing: loading the read models' checkpoints before a catch-up, and writing them, at
// once or on a background thread (docs/projections.md, "Checkpoints"). The bytes and the
// store's layout are checkpoint_codec.h's and checkpoint_store.h's; this file decides which
// checkpoint may be used, positions the catch-up, and keeps the live fold off the write path.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/store/event_log.h"
#include "projections/model_registry.h"
#include "projections/projections.h"
#include "projections/projector.h"

namespace tl::projections {

// The ticket model: every ticket's state, the reference data and the latest occurred_at. Every
// other model folds over its states, so its version stamp is part of theirs (CheckpointStamp).
// Bump the version when ledger::TicketState's folding or the encoding changes. 2: the state
// without the personal texts (ledger/domain/ticket_texts.h), with the erased mark; 3: with the
// seqs of the events that hold the texts.
inline constexpr std::string_view kTicketModel = "tickets";
inline constexpr uint32_t kTicketModelVersion = 3;

// The seq of the checkpoint each model started from (0: rebuilt from seq 1).
struct LoadedSeqs {
  ledger::Seq tickets{};
  std::vector<ledger::Seq> models;  // in registry order
};

// A projector at `target` (or options.to_seq / to_time): an empty fold, every usable
// checkpoint loaded (with options.use_checkpoints, and never with to_time: a checkpoint cannot
// say what was known at a recording time), then the catch-up. `*loaded` (optional) says
// where each model started. kInternal if two models share a name (their checkpoints' key). The
// registry must outlive the projector.
Result<std::unique_ptr<Projector>> BuildProjector(ledger::EventLog& log,
                                                  const ModelRegistry& registry,
                                                  const Options& options,
                                                  const std::atomic<bool>* cancel,
                                                  LoadedSeqs* loaded);

// A checkpoint's encoded model, ready to write.
struct EncodedModel {
  std::string name;
  uint32_t version;
  std::string body;
};
// Every model's encoding at the projector's applied seq; models first, the ticket model last,
// so that a crash part-way through writing leaves the tickets' checkpoint at or before the
// others'. The caller holds the projector's lock (shared is enough).
std::vector<EncodedModel> EncodeAll(const Projector& projector);

class BackgroundCheckpoints;

// Stops the background checkpoints when destroyed, whoever else still refers to them. The log's
// commit listener holds one: the log releases its listener before it closes its database, so
// the thread stops while everything it uses still exists, even when the log goes first.
class StopBackgroundOnRelease {
 public:
  explicit StopBackgroundOnRelease(std::shared_ptr<BackgroundCheckpoints> background)
      : background_(std::move(background)) {}
  ~StopBackgroundOnRelease();
  StopBackgroundOnRelease(const StopBackgroundOnRelease&) = delete;
  StopBackgroundOnRelease& operator=(const StopBackgroundOnRelease&) = delete;

 private:
  std::shared_ptr<BackgroundCheckpoints> background_;
};

// Writes checkpoints of a live projector: at once (SaveNow), or every checkpoint_every applied
// events on a background thread that builds the state at that seq in a projector of its own,
// from the latest checkpoint and the log, so that the live models are neither copied nor
// locked and the commit path only signals (Start). One writer at a time.
//
// Thread-safety: SaveNow and info from any thread. Ownership: the log and the registry must
// outlive it; destroying it stops the background thread.
class Checkpointer {
 public:
  struct Info {
    uint64_t written = 0;  // checkpoints written (each covering every model)
    ledger::Seq last_written_seq{};
    double last_write_seconds = 0;  // building (background) or encoding, plus writing
  };

  Checkpointer(ledger::EventLog& log, const ModelRegistry& registry, Options options);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Encodes `live` under its shared lock and writes every model's checkpoint.
  Status SaveNow(const Projector& live);

  // Starts the background thread and has `live` trigger it every options.checkpoint_every
  // applied events. The thread stops when the Checkpointer or the returned stopper (for the
  // log's commit listener to hold) is destroyed, whichever comes first.
  std::shared_ptr<StopBackgroundOnRelease> StartBackground(Projector& live);

  Info info() const;

 private:
  void BuildAndWrite(ledger::Seq target, const std::atomic<bool>& cancel);
  void RecordWrite(ledger::Seq seq, double seconds);
  void Note(const std::string& line) const;

  ledger::EventLog& log_;
  const ModelRegistry& registry_;
  const Options options_;
  std::mutex write_mu_;  // one checkpoint writer at a time (checkpoint_store.h)
  mutable std::mutex info_mu_;
  Info info_;  // guarded by info_mu_
  std::shared_ptr<BackgroundCheckpoints> background_;
};

}  // namespace tl::projections
