// Reference data for an import: the queues the ledger already defines, and the service and
// queue definitions the imported tickets need, made at their first use.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/store/event_log.h"
#include "tools/import/mapping.h"
#include "tools/import/membership.h"
#include "tools/import/source_row.h"

namespace tl::tools::import {

struct ExistingQueue {
  std::set<std::string> members;
  bool first_line = false;
  ledger::Version version{};
};

// The queues the rows may name (and the mapping's default queue), as the ledger defines them
// now; empty for an empty ledger.
Result<std::map<std::string, ExistingQueue>> LoadExistingQueues(const ledger::EventLog& log,
                                                                const Mapping& mapping,
                                                                const SourceRows& rows);

// Defines services and queues at their first use: the ledger must know them before the first
// event that names them. A service the ledger has is left alone; a queue is (re)defined when
// the ledger lacks it or its members differ from the derived ones (existing members kept, see
// Membership). Event ids derive from the source, the name and the definition, so a re-run
// defines nothing again.
//
// Not thread-safe. `log`, `mapping` and `membership` must outlive it.
class ReferenceDefiner {
 public:
  ReferenceDefiner(const ledger::EventLog& log, const Mapping& mapping,
                   const Membership& membership, std::map<std::string, ExistingQueue> existing,
                   std::string actor);

  // The definitions that `events` need and that have not been made yet, dated `at`, each one
  // request (its actor and recorded_by: the importer).
  Result<std::vector<ledger::AppendRequest>> Before(const std::vector<ledger::EventDraft>& events,
                                                    ledger::TimeNs at);

 private:
  Status Service(const std::string& name, ledger::TimeNs at,
                 std::vector<ledger::AppendRequest>& out);
  Status Queue(const std::string& name, ledger::TimeNs at, std::vector<ledger::AppendRequest>& out);

  const ledger::EventLog& log_;
  const Mapping& mapping_;
  const Membership& membership_;
  std::map<std::string, ExistingQueue> existing_;
  std::string actor_;
  std::set<std::string> seen_services_, seen_queues_;
};

}  // namespace tl::tools::import
