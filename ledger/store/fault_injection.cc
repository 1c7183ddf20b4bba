#include "ledger/store/fault_injection.h"

namespace tl::ledger {
namespace {

size_t Index(FileKind kind) { return static_cast<size_t>(kind); }

}  // namespace

void FaultInjector::FailSyncs(FileKind kind, int count) {
  std::lock_guard lock(mu_);
  failing_syncs_[Index(kind)] = count;
}

void FaultInjector::FailWrites(FileKind kind, int count) {
  std::lock_guard lock(mu_);
  failing_writes_[Index(kind)] = count;
}

void FaultInjector::NoSpace(FileKind kind) {
  std::lock_guard lock(mu_);
  no_space_[Index(kind)] = true;
}

void FaultInjector::NoSpaceInCompactions() {
  std::lock_guard lock(mu_);
  no_space_in_compactions_ = true;
}

void FaultInjector::SpaceIsBack() {
  std::lock_guard lock(mu_);
  no_space_.fill(false);
  no_space_in_compactions_ = false;
}

void FaultInjector::Clear() {
  std::lock_guard lock(mu_);
  failing_syncs_.fill(0);
  failing_writes_.fill(0);
  no_space_.fill(false);
  no_space_in_compactions_ = false;
}

uint64_t FaultInjector::injected() const {
  std::lock_guard lock(mu_);
  return injected_;
}

bool FaultInjector::Take(int& count) {
  if (count == kAlways) return true;
  if (count <= 0) return false;
  --count;
  return true;
}

Fault FaultInjector::BeforeWrite(FileKind kind, bool by_compaction) {
  std::lock_guard lock(mu_);
  Fault fault = Fault::kNone;
  if (no_space_[Index(kind)] ||
      (no_space_in_compactions_ && kind == FileKind::kTable && by_compaction)) {
    fault = Fault::kNoSpace;
  } else if (Take(failing_writes_[Index(kind)])) {
    fault = Fault::kIoError;
  }
  if (fault != Fault::kNone) ++injected_;
  return fault;
}

Fault FaultInjector::BeforeSync(FileKind kind) {
  std::lock_guard lock(mu_);
  if (!Take(failing_syncs_[Index(kind)])) return Fault::kNone;
  ++injected_;
  return Fault::kIoError;
}

}  // namespace tl::ledger
