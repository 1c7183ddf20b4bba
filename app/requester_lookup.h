// Finding a requester's tickets by the requester index key (docs/privacy.md, "Requester
// index"): GET /api/v1/tickets?requester=ADDR and erasure by requester.
//
// A ticket's key is RequesterKey(its current requester) (ledger/privacy/requester_index.h: an
// HMAC under a subkey of the master key of the normalised address), so "Ann@Uni.no " finds the
// tickets of "mailto:ann@uni.no". Nothing stores the key: it is computed from each ticket's
// requester when a lookup runs, which costs one stream read from the log (the read models keep
// no requester: projections/ticket_texts.h) and one HMAC per ticket the filter looks at. An
// erased ticket has no requester, hence no key: erasure removes it from every lookup.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/privacy/master_key.h"
#include "ledger/privacy/requester_index.h"
#include "projections/projections.h"

namespace tl::app {

// Thread-safety: immutable after construction; its functions may run concurrently.
class RequesterLookup {
 public:
  explicit RequesterLookup(const privacy::MasterKey& master) : index_(master) {}

  // The page `filter` selects (its `after` and `limit` included) among the tickets whose
  // requester has the key of `address`: GET /api/v1/tickets?requester=. The requesters are read
  // from the log a chunk of listed tickets at a time, outside the read models' lock.
  // kInvalidArgument bad_field when `address` normalises to nothing.
  Result<projections::TicketPage> List(const projections::Projections& read_models,
                                       projections::TicketFilter filter,
                                       std::string_view address) const;

  // Every ticket of `address` in `read_models`, in ascending id order (none erased).
  Result<std::vector<ledger::TicketId>> Tickets(const projections::Projections& read_models,
                                                std::string_view address) const;

 private:
  privacy::RequesterIndex index_;
};

}  // namespace tl::app
