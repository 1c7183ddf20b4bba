// Status: the outcome of an operation that can fail, returned at every module boundary.
//
// The codes are few and chosen by what the caller does next (retry, fix the request, report
// corruption), as in absl::Status. A rule violation carries the snake_case code of API.md
// ("owner_not_in_queue", ...) so that the server maps it without knowing the rules.
// Status values are cheap to copy when OK (no allocation) and are thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tl {

enum class StatusCode : uint8_t {
  kOk = 0,
  kMissingField,         // a required field is absent (400 missing_field)
  kBadField,             // wrong type, unknown enum value, bad parameter (400 bad_field)
  kNotFound,             // no such ticket, queue, ... (404)
  kVersionConflict,      // expected_version differs from the stream's (409)
  kIdempotencyConflict,  // event id reused with other content (409)
  kRuleViolation,        // a ticket rule of DOMAIN.md is broken (422 + rule code)
  kCorruption,           // stored data does not decode or verify (fail-stop)
  kUnavailable,          // storage or I/O failed; nothing was written (503)
  kInternal,             // a bug
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status MissingField(std::string message) {
    return Status(StatusCode::kMissingField, "missing_field", std::move(message));
  }
  static Status BadField(std::string message) {
    return Status(StatusCode::kBadField, "bad_field", std::move(message));
  }
  // A body that is not JSON, or not the JSON object expected (400 bad_json): kBadField's
  // handling with API.md's own code for it.
  static Status BadJson(std::string message) {
    return Status(StatusCode::kBadField, "bad_json", std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(StatusCode::kNotFound, "not_found", std::move(message));
  }
  static Status VersionConflict(std::string message, uint64_t current_version) {
    Status s(StatusCode::kVersionConflict, "version_conflict", std::move(message));
    s.state_->current_version = current_version;
    return s;
  }
  static Status IdempotencyConflict(std::string message) {
    return Status(StatusCode::kIdempotencyConflict, "idempotency_conflict", std::move(message));
  }
  // `rule` is the API.md code of the broken rule, e.g. "solution_required".
  static Status Rule(std::string rule, std::string message) {
    return Status(StatusCode::kRuleViolation, std::move(rule), std::move(message));
  }
  static Status Corruption(std::string message) {
    return Status(StatusCode::kCorruption, "corruption", std::move(message));
  }
  static Status Unavailable(std::string message) {
    return Status(StatusCode::kUnavailable, "unavailable", std::move(message));
  }
  static Status Internal(std::string message) {
    return Status(StatusCode::kInternal, "internal", std::move(message));
  }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The snake_case code API.md uses for this status ("ok" when OK).
  std::string_view api_code() const { return state_ ? std::string_view(state_->api_code) : "ok"; }
  std::string_view message() const { return state_ ? std::string_view(state_->message) : ""; }
  // Only meaningful for kVersionConflict.
  uint64_t current_version() const { return state_ ? state_->current_version : 0; }

  std::string ToString() const;

  // Dropping an error on purpose is written down, so that grep finds every such place.
  void PermitUncheckedError() const {}

  // Prefixes the message with context, keeping the code ("seq 42: " + message).
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string api_code;
    std::string message;
    uint64_t current_version = 0;
  };
  Status(StatusCode code, std::string api_code, std::string message)
      : state_(std::make_shared<State>(State{code, std::move(api_code), std::move(message)})) {}

  std::shared_ptr<State> state_;  // null when OK; shared because a Status is immutable
};

}  // namespace tl
