#include "app/checkpoint_signer.h"

#include <fmt/format.h>
#include <pthread.h>

#include "ledger/domain/log_line.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"

namespace tl::app {

CheckpointSigner::CheckpointSigner(ledger::EventLog& log, tlog::NoteSigner signer,
                                   LedgerIntegrity* integrity, Options options)
    : log_(log), signer_(std::move(signer)), integrity_(integrity), options_(options) {}

CheckpointSigner::~CheckpointSigner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CheckpointSigner::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tl-signer");
    Loop();
  });
}

void CheckpointSigner::Loop() {
  // Looking four times per `within`, and signing at most once per three quarters of it, keeps
  // every growth within `within` of its checkpoint.
  const auto look = options_.within / 4;
  const auto spacing = options_.within - look;
  auto last_signed = std::chrono::steady_clock::now() - spacing;
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, look, [&] { return stopping_; })) {
    if (std::chrono::steady_clock::now() - last_signed < spacing) continue;
    lock.unlock();
    const uint64_t before = signed_.load();
    auto signed_now = SignNow();
    if (!signed_now.ok()) {
      LogLine(LogLevel::kError, "cannot sign a checkpoint",
              {{"error", signed_now.status().message()}});
    }
    if (signed_.load() != before) last_signed = std::chrono::steady_clock::now();
    lock.lock();
  }
}

Result<std::optional<ledger::SignedCheckpoint>> CheckpointSigner::SignNow() {
  std::lock_guard sign_lock(sign_mu_);
  TL_ASSIGN_OR_RETURN(auto latest, log_.LatestSignedCheckpoint());
  const ledger::Seq head = log_.Head().seq;
  if (head.is_zero() || (latest && latest->size >= head)) return latest;
  if (integrity_ && integrity_->corrupt()) return latest;  // never sign damage

  TL_ASSIGN_OR_RETURN(const tlog::Hash root, log_.TreeRoot(head));
  if (latest) {
    auto previous = tlog::OpenCheckpoint(latest->note, signer_.verifier());
    Status consistent = previous.status();
    if (consistent.ok()) {
      TL_ASSIGN_OR_RETURN(auto proof, log_.ConsistencyProof(latest->size, head));
      consistent =
          tlog::VerifyConsistency(static_cast<int64_t>(latest->size.value()),
                                  static_cast<int64_t>(head.value()), previous->root, root, proof);
    }
    if (!consistent.ok()) {
      Status damage = Status::DataLoss(fmt::format(
          "the tree of size {} is not consistent with the checkpoint signed at size {}: {}", head,
          latest->size, consistent.message()));
      if (integrity_) integrity_->MarkCorrupt(damage);
      return damage;
    }
  }
  TL_ASSIGN_OR_RETURN(
      std::string note,
      tlog::SignCheckpoint({signer_.name(), static_cast<int64_t>(head.value()), root}, signer_));
  ledger::SignedCheckpoint checkpoint{head, options_.clock(), std::move(note)};
  TL_RETURN_IF_ERROR(log_.AddSignedCheckpoint(checkpoint));
  signed_.fetch_add(1);
  return std::optional<ledger::SignedCheckpoint>(std::move(checkpoint));
}

}  // namespace tl::app
