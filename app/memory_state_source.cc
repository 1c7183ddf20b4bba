#include "app/memory_state_source.h"

#include <mutex>

namespace tl::app {

using namespace ledger;  // NOLINT: the domain's vocabulary throughout

Status MemoryStateSource::LoadFrom(const EventLog& log) {
  std::vector<Event> batch;
  Status status = log.Scan(Seq{1}, log.Head().seq, [&](const StoredEvent& e) {
    batch.push_back(e.event);
    if (batch.size() == 4096) {
      Apply(batch);
      batch.clear();
    }
    return Status::Ok();
  });
  Apply(batch);
  return status;
}

void MemoryStateSource::Apply(const std::vector<Event>& events) {
  std::unique_lock lock(mu_);
  std::shared_ptr<ReferenceData> reference;  // copied on the first reference event only
  for (const Event& e : events) {
    if (e.stream.is_ticket()) {
      ApplyToTicket(tickets_[e.stream.ticket], e);
    } else {
      if (!reference) reference = std::make_shared<ReferenceData>(*reference_);
      ApplyToReference(*reference, e);
    }
  }
  if (reference) reference_ = std::move(reference);
}

Result<TicketState> MemoryStateSource::LoadTicket(TicketId id) {
  std::shared_lock lock(mu_);
  auto it = tickets_.find(id);
  return it == tickets_.end() ? TicketState{} : it->second;
}

Result<std::shared_ptr<const ReferenceData>> MemoryStateSource::LoadReference() {
  std::shared_lock lock(mu_);
  return reference_;
}

}  // namespace tl::app
