#include "app/ledger_integrity.h"

#include <fmt/format.h>

#include "ledger/domain/log_line.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"

namespace tl::app {

ledger::VerifyReport VerifyLedger(const ledger::EventLog& log, const tlog::NoteVerifier* key,
                                  const std::function<void(ledger::Seq, ledger::Seq)>& progress) {
  ledger::VerifyReport report = log.Verify(progress);
  if (!report.ok || !key || report.checkpoint_size.is_zero()) return report;
  auto latest = log.LatestSignedCheckpoint();
  if (!latest.ok() || !*latest) return report;
  if (auto opened = tlog::OpenCheckpoint((*latest)->note, *key); !opened.ok()) {
    report.ok = false;
    report.bad_seq = (*latest)->size;
    report.reason = fmt::format("the signed checkpoint of size {} does not verify with {}: {}",
                                (*latest)->size, key->name(), opened.status().message());
  }
  return report;
}

LedgerIntegrity::LedgerIntegrity(ledger::EventLog& log, tlog::NoteVerifier key)
    : log_(log), key_(std::move(key)) {}

LedgerIntegrity::~LedgerIntegrity() {
  if (walker_.joinable()) walker_.join();
}

std::string_view LedgerIntegrity::StateName(State state) {
  switch (state) {
    case State::kUnchecked:
      return "unchecked";
    case State::kChecking:
      return "checking";
    case State::kVerified:
      return "verified";
    case State::kCorrupt:
      return "corrupt";
  }
  return "unknown";
}

void LedgerIntegrity::MarkCorrupt(const Status& reason) {
  {
    std::lock_guard lock(mu_);
    if (snapshot_.state == State::kCorrupt) return;
    snapshot_.state = State::kCorrupt;
    snapshot_.problem = std::string(reason.message());
  }
  corrupt_ = true;
  log_.RefuseAppends(Status::LedgerCorrupt(fmt::format(
      "the ledger failed its integrity check and takes no writes: {}", reason.message())));
  // Loud on purpose: an operator must see this whatever else the log holds.
  LogLine(LogLevel::kError, "LEDGER CORRUPT: writes refused", {{"problem", reason.message()}});
}

Status LedgerIntegrity::CheckAtOnce() {
  auto check = [&]() -> Status {
    TL_RETURN_IF_ERROR(log_.CheckTreeEdge());
    TL_ASSIGN_OR_RETURN(auto latest, log_.LatestSignedCheckpoint());
    const ledger::Seq head = log_.Head().seq;
    ledger::Seq from{1};
    if (latest) {
      auto opened = tlog::OpenCheckpoint(latest->note, key_);
      if (!opened.ok()) {
        return Status::DataLoss(fmt::format(
            "the latest signed checkpoint (size {}) does not verify with the ledger's key: {}",
            latest->size, opened.status().message()));
      }
      if (latest->size > head) {
        return Status::DataLoss(fmt::format(
            "the log ends at seq {} but a checkpoint was signed at size {}: events are missing "
            "from its end",
            head, latest->size));
      }
      auto root = log_.TreeRoot(latest->size);
      if (!root.ok() || *root != opened->root) {
        return Status::DataLoss(fmt::format(
            "the tree of size {} does not have the root its signed checkpoint commits to",
            latest->size));
      }
      // The tree beyond the checkpoint extends it: what will be signed next is consistent.
      if (head > latest->size) {
        TL_ASSIGN_OR_RETURN(auto head_root, log_.TreeRoot(head));
        TL_ASSIGN_OR_RETURN(auto proof, log_.ConsistencyProof(latest->size, head));
        Status consistent = tlog::VerifyConsistency(static_cast<int64_t>(latest->size.value()),
                                                    static_cast<int64_t>(head.value()),
                                                    opened->root, head_root, proof);
        if (!consistent.ok()) {
          return Status::DataLoss(fmt::format(
              "the tree of size {} is not an extension of the signed checkpoint of size {}", head,
              latest->size));
        }
      }
      from = latest->size.Next();
    }
    return log_.VerifyRange(from, head);
  };
  Status found = check();
  if (!found.ok()) MarkCorrupt(found);
  return found;
}

void LedgerIntegrity::StartBackground() {
  if (walker_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    if (snapshot_.state != State::kCorrupt) snapshot_.state = State::kChecking;
    snapshot_.total = log_.Head().seq;
  }
  walker_ = std::thread([this] {
    const ledger::VerifyReport report =
        VerifyLedger(log_, &key_, [this](ledger::Seq done, ledger::Seq total) {
          std::lock_guard lock(mu_);
          snapshot_.checked = done;
          snapshot_.total = total;
        });
    if (!report.ok) {
      MarkCorrupt(Status::DataLoss(fmt::format("seq {}: {}", report.bad_seq, report.reason)));
      return;
    }
    std::lock_guard lock(mu_);
    snapshot_.checked = report.events;
    if (snapshot_.state == State::kChecking) snapshot_.state = State::kVerified;
  });
}

LedgerIntegrity::Snapshot LedgerIntegrity::snapshot() const {
  std::lock_guard lock(mu_);
  return snapshot_;
}

}  // namespace tl::app
