// CommandPath: the generator's way through the ledger's rules. Every command is decided by
// ledger::DecideOpen / DecideAction / DecideQueue / DecideService on the current state of its
// ticket (or of the reference data), exactly as the command handler does; the events are folded
// into that state with ApplyToTicket / ApplyToReference and handed to the BatchWriter as one
// append, pinned to the version the decision was made on. So no event exists that the rules
// would refuse, and the log's answer must match the fold (the writer checks it).
//
// Bytes are deterministic. Event ids come from the seed and a counter: the n-th event written
// has a version-8 UUID whose first six bytes are those of EventId::FromName("generate", "<seed>")
// and whose last seven bytes are n, big-endian. So the ids rise: a hash-derived id per event
// (FromName / Derived, as the handler makes them) lands at a random place in the log's event-id
// index, and took about 1.5 times the CPU at 100 k inquiries (docs/generate.md).
// Each append carries the command's fingerprint (CommandFingerprint) as the handler's would.
// New tickets get explicit ids (the next one, expected version 0), so later appends of the same
// group can address them.
//
// Not thread-safe: one simulation drives it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/domain/commands.h"
#include "ledger/domain/ticket_state.h"
#include "tools/generate/batch_writer.h"

namespace tl::tools::generate {

// Who did it (actor) and whose token recorded it (recorded_by).
struct Who {
  std::string_view actor;
  std::string_view recorded_by;
};

class CommandPath {
 public:
  // `writer` must outlive the path.
  CommandPath(uint64_t seed, BatchWriter& writer);

  Status Define(const ledger::DefineQueue& command, Who who, ledger::TimeNs at);
  Status Define(const ledger::DefineService& command, Who who, ledger::TimeNs at);

  // Opens the next ticket into `*ticket` (which must be empty). A child names its parent in
  // `command.parent` and passes the parent's state, into which its child_linked is folded.
  Status Open(const ledger::OpenTicket& command, ledger::TicketState* parent, Who who,
              ledger::TimeNs at, ledger::TicketState* ticket);
  Status Act(ledger::TicketState& ticket, const ledger::TicketAction& action, Who who,
             ledger::TimeNs at);

  const ledger::ReferenceData& reference() const { return reference_; }
  uint64_t commands() const { return commands_; }
  uint64_t events() const { return events_; }
  ledger::TicketId last_ticket() const { return last_ticket_; }

 private:
  // Turns decided payloads into drafts of stream `stream` (now at `version`), folding each into
  // `fold` (a ticket state, or nullptr for reference data, folded into reference_).
  std::vector<ledger::EventDraft> Draft(std::vector<ledger::Payload> payloads,
                                        const ledger::StreamId& stream, ledger::TicketState* fold,
                                        ledger::Version version, Who who, ledger::TimeNs at);
  ledger::EventId NextEventId();
  Status Submit(ledger::AppendRequest request, BatchWriter::Expected expected, ledger::TimeNs at);

  BatchWriter& writer_;
  const ledger::EventId id_space_;  // its first six bytes name the seed
  uint64_t commands_ = 0;
  uint64_t events_ = 0;
  ledger::TicketId last_ticket_{};
  ledger::ReferenceData reference_;
};

}  // namespace tl::tools::generate
