// Sending one message through an SMTP relay, with libcurl.
//
// Outcomes, by what the caller does next:
//  - OK: the relay accepted the message (250 after DATA). It is the relay's from here on.
//  - kUnavailable: transient, try again later with the same bytes. A 4xx reply; no connection
//    (refused, unreachable, DNS); a timeout; a TLS or STARTTLS failure; authentication refused;
//    a 5xx before the mail transaction (greeting, EHLO). The last two are configuration faults,
//    not the message's: giving the message up would lose it for a setting an operator fixes.
//  - kFailedPrecondition with reason kSmtpRejected: permanent, give up on this message. A 5xx reply
//    to MAIL FROM, RCPT TO or DATA (or after the data): the relay will never take it.
//  - kInvalidArgument (bad_field): the envelope or configuration is invalid (empty recipients,
//  CR/LF in an
//    address): a bug in the caller, permanent as well.
// IsTransientSendFailure() says which. The Status message carries the relay's last reply
// ("550 5.1.1 <x@example.org>: Recipient address rejected") for the ledger and the log.
//
// All recipients are in one transaction: one rejected recipient fails the whole send
// (permanently for a 5xx). Send one message per recipient when their outcomes must differ.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/result.h"

namespace tl::mail {

inline constexpr std::string_view kSmtpRejected = "smtp_rejected";

enum class StartTls : uint8_t {
  kOff,          // plain SMTP (loopback relays)
  kIfAvailable,  // STARTTLS when the relay offers it (CURLUSESSL_TRY)
  kRequired,     // STARTTLS or fail (CURLUSESSL_ALL)
};

struct SmtpConfig {
  // "smtp://relay.example.org:587" or "smtps://relay.example.org:465" (TLS from the first
  // byte). An optional path is the name sent in EHLO: "smtp://relay:25/desk.example.org".
  std::string url;
  StartTls starttls = StartTls::kOff;  // for smtp:// only; smtps:// is always TLS
  // AUTH when username is not empty (libcurl picks the mechanism the relay offers).
  std::string username;
  std::string password;
  // Refuse AUTH over a connection that is not encrypted (smtps:// or kRequired) unless set.
  bool allow_plaintext_auth = false;
  std::string ca_file;      // PEM bundle to verify the relay with; "" = the system's
  bool verify_peer = true;  // false only for tests
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};  // the whole send, connection included
};

struct Envelope {
  std::string mail_from;             // addr-spec; "" sends the null reverse-path <>
  std::vector<std::string> rcpt_to;  // addr-specs, at least one
};

// True for a non-OK Send result that is worth retrying (kUnavailable).
bool IsTransientSendFailure(const Status& status);

// Thread-safety: an SmtpClient is immutable after Create; Send may be called from any number
// of threads at once (each call uses its own connection and curl handle).
class SmtpClient {
 public:
  // kInvalidArgument (bad_field) when the URL is not smtp:// or smtps://, or AUTH would go in clear
  // text without allow_plaintext_auth.
  static Result<std::unique_ptr<SmtpClient>> Create(SmtpConfig config);

  // Sends `message` (RFC 5322 bytes with CRLF line ends, as ComposeMessage makes them; libcurl
  // does the dot-stuffing) in one SMTP transaction. Blocks up to config.total_timeout.
  [[nodiscard]] Status Send(const Envelope& envelope, std::string_view message) const;

  const SmtpConfig& config() const { return config_; }

 private:
  explicit SmtpClient(SmtpConfig config) : config_(std::move(config)) {}
  SmtpConfig config_;
};

}  // namespace tl::mail
