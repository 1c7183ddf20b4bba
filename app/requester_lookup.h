// Finding a requester's tickets by the requester index (docs/privacy.md, "The requester
// index"): GET /api/v1/tickets?requester=ADDR and erasure by requester (API and CLI).
//
// The index is in the key store (ledger/privacy/key_store.h): each live key record holds the
// HMAC digest of every requester its ticket has had (opened with, or changed to by an update),
// recorded by the log's writer before the batch that uses it is written. So the store's hits are
// candidates (the batch may have failed after the digest was synced): each is confirmed against
// the log, by reading the ticket's stream (personal fields opened) for an event that set a
// requester with the same normalised address. An erased ticket's record holds no digest: erasure
// removes it from every lookup, and the ticket's events no longer open either.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/store/event_log.h"
#include "projections/projections.h"

namespace tl::app {

// Thread-safety: immutable after construction; its functions may run concurrently (the key
// store and the log are thread-safe).
class RequesterLookup {
 public:
  using TicketTest = std::function<bool(const ledger::TicketState&)>;

  // `log` must outlive this object; its key store (EventLog::keys) holds the index.
  explicit RequesterLookup(const ledger::EventLog& log) : log_(log) {}

  // Every ticket that `address` is or was the requester of, ascending (none erased). Errors:
  // kInvalidArgument bad_field when `address` normalises to nothing, or the log has no key
  // store (so no index); I/O and decoding errors of the store and the log as they are.
  Result<std::vector<ledger::TicketId>> Tickets(std::string_view address) const;

  // A test that holds for exactly the tickets of Tickets(address), looked up now, for
  // projections::TicketFilter::also (membership in a set: cheap under the read models' lock).
  Result<TicketTest> Matcher(std::string_view address) const;

 private:
  // Whether some event of `ticket` set a requester whose normalised form is `normalized`.
  Result<bool> Confirmed(ledger::TicketId ticket, const std::string& normalized) const;

  const ledger::EventLog& log_;
};

}  // namespace tl::app
