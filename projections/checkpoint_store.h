// Where projection checkpoints live: the log's `checkpoints` column family (docs/projections.md,
// "Checkpoints"). Each read model has one checkpoint:
//   key "projections/<model>"                 -> the manifest (the stamp, the body's size and
//                                                CRC-32, how many parts, which slot)
//   key "projections/<model>/<slot>/<part>"   -> the body in parts of at most 4 MiB
// A new checkpoint writes its parts into the slot the current manifest does not name, then the
// manifest: a crash in between leaves the old checkpoint whole, and the column family never
// holds more than two bodies per model (the log has no deletes). Checkpoints are not synced and
// not part of the hash chain; a lost or damaged one only means a longer replay.
//
// Thread-safety: as EventLog's checkpoint calls; two writers of the same model must be
// serialised by the caller (they would both pick the same free slot).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/store/event_log.h"

namespace tl::projections {

// Bumped when the manifest's layout changes; a manifest of another format is ignored.
constexpr uint32_t kCheckpointFormat = 1;

struct CheckpointStamp {
  uint32_t model_version = 0;  // the model's version stamp when it was written
  uint32_t base_version = 0;   // the ticket model's stamp (every model folds over its states)
  ledger::Seq seq{};           // the last event the state includes
  ledger::Hash chain_hash{};   // the log's chain hash at seq: ties the state to this very log
};

struct StoredCheckpoint {
  CheckpointStamp stamp;
  std::string body;
};

Status WriteCheckpoint(ledger::EventLog& log, std::string_view model, const CheckpointStamp& stamp,
                       std::string_view body);

// The model's checkpoint; std::nullopt when there is none. kCorruption when the manifest or the
// body is damaged (wrong CRC, missing part, another format), so that the caller can say why it
// rebuilds.
Result<std::optional<StoredCheckpoint>> ReadCheckpoint(const ledger::EventLog& log,
                                                       std::string_view model);
// Only the stamp, without reading the body.
Result<std::optional<CheckpointStamp>> ReadCheckpointStamp(const ledger::EventLog& log,
                                                           std::string_view model);

}  // namespace tl::projections
