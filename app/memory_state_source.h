// MemoryStateSource: every ticket's state and the reference data in memory, kept current by
// applying each commit (attach Apply as the log's commit listener). For tools and benchmarks
// that need the command path without the projections; the server uses the projections.
//
// Thread-safety: Apply and the loads may run concurrently (a shared mutex).
#pragma once

#include <shared_mutex>
#include <unordered_map>

#include "app/command_handler.h"

namespace tl::app {

class MemoryStateSource : public StateSource {
 public:
  // Folds the whole log so far.
  Status LoadFrom(const EventLog& log);
  void Apply(const std::vector<ledger::Event>& events);

  Result<TicketState> LoadTicket(TicketId id) override;
  Result<std::shared_ptr<const ReferenceData>> LoadReference() override;

 private:
  std::shared_mutex mu_;
  std::unordered_map<TicketId, TicketState> tickets_;
  std::shared_ptr<const ReferenceData> reference_ = std::make_shared<ReferenceData>();
};

}  // namespace tl::app
