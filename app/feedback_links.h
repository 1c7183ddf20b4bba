// FeedbackLinks: the signed, expiring token of a feedback invitation's link
// (`/feedback/<token>`; docs/api.md, "Mail"; docs/mail.md, "The feedback link").
//
// A token is "<ticket>.<resolved_at>.<expires>.<mac>": the ticket, the time of the resolution
// it is about (nanoseconds; the ticket's last_resolved_at), when it expires (Unix seconds) and
// HMAC-SHA256 over the first three under the ledger's feedback key, in hex. So a link names one
// resolution of one ticket: after a reopen and a new resolution, the old link no longer
// matches, and nobody can make a link without the key.
//
// The key is 32 random bytes in `feedback.key` in the data directory, made on first start
// (mode 0600); losing it only invalidates the links sent.
//
// Thread-safety: immutable after Load; use from any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"
#include "ledger/domain/types.h"

namespace tl::app {

inline constexpr const char* kFeedbackKeyFile = "feedback.key";

struct FeedbackClaim {
  ledger::TicketId ticket{};
  ledger::TimeNs resolved_at = 0;
  int64_t expires = 0;  // Unix seconds
};

class FeedbackLinks {
 public:
  // Loads the key from `path`, making it first when the file does not exist.
  static Result<FeedbackLinks> LoadOrCreate(const std::string& path);
  // A key given as is (tests, benchmarks).
  static FeedbackLinks WithKey(std::string key) { return FeedbackLinks(std::move(key)); }

  std::string Token(const FeedbackClaim& claim) const;
  // The claim of a token this key signed that has not expired at `now` (Unix seconds);
  // kNotFound for a malformed, forged or expired one (the page says the link is not valid).
  Result<FeedbackClaim> Verify(std::string_view token, int64_t now) const;

 private:
  explicit FeedbackLinks(std::string key) : key_(std::move(key)) {}
  std::string Mac(std::string_view text) const;
  std::string key_;
};

}  // namespace tl::app
