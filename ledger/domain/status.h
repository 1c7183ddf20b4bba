// Status: the outcome of an operation that can fail, returned at every module boundary.
//
// The codes are few and chosen by what the caller does next, as absl's canonical codes are:
// fix the request, re-read and decide again, retry later, stop and investigate. A `reason`
// names, within a code, which condition it was: the domain rule that refused a command
// ("owner_not_in_queue", docs/domain.md), "version_conflict", a missing field. Nothing here
// speaks HTTP: the server maps codes and reasons to statuses and the API's error codes in one
// table (server/error_mapping.cc).
// Status values are cheap to copy when OK (no allocation) and are thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tl {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,     // the request is malformed: fix it, do not retry it as it is
  kNotFound,            // what it names does not exist
  kFailedPrecondition,  // a rule refuses it in the current state; the reason names the rule
  kAborted,             // it conflicts with another write: re-read, then decide again
  kPermissionDenied,    // the caller may not do this
  kResourceExhausted,   // storage is full: retry once space is freed; nothing was written
  kUnavailable,         // a transient failure (storage, a peer, shutting down): retry later
  kDataLoss,            // stored data does not decode or verify: stop and investigate
  kInternal,            // a bug
};

// The reasons that callers branch on, beside the rules' names.
namespace reason {
inline constexpr std::string_view kMissingField = "missing_field";
inline constexpr std::string_view kBadField = "bad_field";
inline constexpr std::string_view kVersionConflict = "version_conflict";
inline constexpr std::string_view kIdempotencyConflict = "idempotency_conflict";
// A write refused because the ledger failed its integrity checks (kDataLoss): nothing can be
// appended until the damage is understood.
inline constexpr std::string_view kLedgerCorrupt = "ledger_corrupt";
}  // namespace reason

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  // kInvalidArgument.
  static Status MissingField(std::string message) {
    return Status(StatusCode::kInvalidArgument, reason::kMissingField, std::move(message));
  }
  static Status BadField(std::string message) {
    return Status(StatusCode::kInvalidArgument, reason::kBadField, std::move(message));
  }
  static Status InvalidArgument(std::string_view reason, std::string message) {
    return Status(StatusCode::kInvalidArgument, reason, std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(StatusCode::kNotFound, "not_found", std::move(message));
  }
  // kFailedPrecondition: `rule` names the broken rule of docs/domain.md, e.g.
  // "solution_required".
  static Status Rule(std::string_view rule, std::string message) {
    return Status(StatusCode::kFailedPrecondition, rule, std::move(message));
  }
  // kAborted.
  static Status VersionConflict(std::string message, uint64_t current_version) {
    Status s(StatusCode::kAborted, reason::kVersionConflict, std::move(message));
    s.state_->current_version = current_version;
    return s;
  }
  static Status IdempotencyConflict(std::string message) {
    return Status(StatusCode::kAborted, reason::kIdempotencyConflict, std::move(message));
  }
  static Status PermissionDenied(std::string message) {
    return Status(StatusCode::kPermissionDenied, "permission_denied", std::move(message));
  }
  static Status ResourceExhausted(std::string message) {
    return Status(StatusCode::kResourceExhausted, "resource_exhausted", std::move(message));
  }
  static Status Unavailable(std::string message) {
    return Status(StatusCode::kUnavailable, "unavailable", std::move(message));
  }
  static Status DataLoss(std::string message) {
    return Status(StatusCode::kDataLoss, "data_loss", std::move(message));
  }
  static Status LedgerCorrupt(std::string message) {
    return Status(StatusCode::kDataLoss, reason::kLedgerCorrupt, std::move(message));
  }
  static Status Internal(std::string message) {
    return Status(StatusCode::kInternal, "internal", std::move(message));
  }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // Which condition of the code this is ("ok" when OK); see the factories.
  std::string_view reason() const { return state_ ? std::string_view(state_->reason) : "ok"; }
  std::string_view message() const { return state_ ? std::string_view(state_->message) : ""; }
  // Only meaningful for a version conflict.
  uint64_t current_version() const { return state_ ? state_->current_version : 0; }

  std::string ToString() const;  // "reason: message"

  // Dropping an error on purpose is written down, so that grep finds every such place.
  void PermitUncheckedError() const {}

  // Prefixes the message with context, keeping the code ("seq 42: " + message).
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string reason;
    std::string message;
    uint64_t current_version = 0;
  };
  Status(StatusCode code, std::string_view reason, std::string message)
      : state_(std::make_shared<State>(State{code, std::string(reason), std::move(message)})) {}

  std::shared_ptr<State> state_;  // null when OK; shared because a Status is immutable
};

}  // namespace tl
