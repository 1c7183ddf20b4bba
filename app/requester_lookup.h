// Finding a requester's tickets by the requester index key (docs/privacy.md, "Requester
// index"): GET /api/v1/tickets?requester=ADDR and erasure by requester.
//
// A ticket's key is RequesterKey(its current requester) (ledger/privacy/requester_index.h: an
// HMAC under a subkey of the master key of the normalised address), so "Ann@Uni.no " finds the
// tickets of "mailto:ann@uni.no". Nothing stores the key: it is computed from the read model's
// ticket state when a filter runs, which costs one HMAC per ticket the filter looks at. An
// erased ticket has no requester, hence no key: erasure removes it from every lookup.
#pragma once

#include <functional>
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
  using TicketTest = std::function<bool(const ledger::TicketState&)>;

  explicit RequesterLookup(const privacy::MasterKey& master) : index_(master) {}

  // A test that holds for the tickets whose requester has the key of `address`, for
  // projections::TicketFilter::also. kInvalidArgument bad_field when `address` normalises to
  // nothing. The test refers to this object, which must outlive it.
  Result<TicketTest> Matcher(std::string_view address) const;

  // Every ticket of `address` in `read_models`, in ascending id order (none erased).
  Result<std::vector<ledger::TicketId>> Tickets(const projections::Projections& read_models,
                                                std::string_view address) const;

 private:
  privacy::RequesterIndex index_;
};

}  // namespace tl::app
