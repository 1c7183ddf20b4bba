// Erasing a ticket's personal data (docs/privacy.md, "Erasure"; docs/api.md, "Personal data and
// erasure"): one personal_data_erased event per ticket, appended (durable) first, then the
// tickets' data keys destroyed in the key store (KeyStore::Destroy: no byte of them left in its
// files when it returns). A crash between the two leaves the event and a live key; erasing
// again finds the event, appends nothing, and destroys the key.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/privacy/key_store.h"
#include "ledger/store/event_log.h"
#include "projections/projections.h"

namespace tl::app {

struct ErasureResult {
  std::vector<ledger::TicketId> erased_tickets;  // as asked, in ascending order
  ledger::Seq seq{};  // the last personal_data_erased event appended; the head if none was
};

// Erases `tickets` for `reason` (required: kInvalidArgument missing_field), recorded as done by
// `actor` at `now`. kNotFound when a ticket does not exist (nothing is done then);
// kFailedPrecondition when the log has no data keys. Erasing an erased ticket appends nothing.
Result<ErasureResult> ErasePersonalData(ledger::EventLog& log,
                                        std::span<const ledger::TicketId> tickets,
                                        const std::string& reason, const std::string& actor,
                                        ledger::TimeNs now);

// Re-erasure at start (docs/privacy.md, "Backups and restores"): a key store restored from a
// backup taken before an erasure holds the key of a ticket whose personal_data_erased event is
// in the log. This destroys, in one KeyStore::Destroy, the key of every ticket `read_models`
// hold as erased whose key reads live, and returns those tickets (ascending; none in the usual
// case). The read models know the erased tickets, so the cost is a pass over their tickets
// under the read lock and a key store read per erased ticket, not a scan of the log.
Result<std::vector<ledger::TicketId>> ReEraseRevivedKeys(
    const projections::Projections& read_models, privacy::KeyStore& keys);

}  // namespace tl::app
