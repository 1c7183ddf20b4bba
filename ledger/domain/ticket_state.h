// The state of one ticket, folded from its stream (Apply), and of the reference data (queues,
// services) folded from theirs. Pure values; the rules (ticket_rules.h) decide on them and the
// projections keep them. Folding never reads a clock: times come from the events.
//
// The state holds none of the ticket's personal texts (requester, subject, solution, what a
// stall awaits, a feedback's comment): those are TicketTexts (ticket_texts.h), folded apart and
// read from the log when shown, so that the read models and their checkpoints never hold them
// (docs/projections.md, "What the read models do not keep").
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/domain/boxed.h"
#include "ledger/domain/event.h"

namespace tl::ledger {

struct StallInfo {
  TimeNs follow_up_at = 0;  // 0 = none (imported)
  bool operator==(const StallInfo&) const = default;
};

struct Feedback {
  int32_t score = 0;
  bool operator==(const Feedback&) const = default;
};

// Where a ticket's texts are in the log: the seq of the latest event that set each (0: none).
// TicketTexts can then be read from those few events instead of the whole stream.
struct TextSeqs {
  Seq opened{};     // requester and subject, unless updated since
  Seq requester{};  // the latest update of the requester
  Seq subject{};    // the latest update of the subject
  Seq stalled{};    // awaiting
  Seq resolved{};   // solution
  Seq feedback{};   // comment
  bool operator==(const TextSeqs&) const = default;
};

struct TicketState {
  TicketId id{};
  Version version{};  // 0 = does not exist
  // The small fields together, so that padding does not cost each ticket 24 bytes (the
  // projections keep every ticket's state in memory).
  TicketStatus status = TicketStatus::kNew;
  Category category = Category::kSupport;
  Channel channel = Channel::kEmail;
  bool acknowledged = false;
  bool invited_since_resolution = false;  // for the reports
  uint32_t reopened = 0;        // resolved -> open transitions (reopen or requester message)
  bool erased = false;          // personal data erased: requester, subject, texts are gone
  bool solution_given = false;  // the latest resolution had a non-blank solution (compliance)
  std::string service;
  std::string description;
  std::string queue;
  std::string owner;  // empty = unowned
  std::string external_ref;
  TimeNs created_at = 0;
  TimeNs updated_at = 0;                    // the last event's occurred_at
  std::optional<TimeNs> first_response_at;  // the first reply (not the acknowledgement)
  std::optional<TimeNs> resolved_at;        // the latest resolution; unset when not resolved
  Boxed<StallInfo> stalled;                 // set while stalled
  TicketId parent{};
  std::vector<TicketId> children;
  Boxed<Feedback> feedback;
  TextSeqs text_seqs;  // where the texts are (projections/ticket_texts.h)

  // Kept for the reports:
  TimeNs status_since = 0;                 // when the current status began
  TimeNs active_ns = 0;                    // time spent in new or open before status_since
  std::optional<TimeNs> resolution_ns;     // active time before the latest resolution
  std::optional<TimeNs> last_resolved_at;  // the latest resolution, kept across reopens
  std::optional<TimeNs> last_invited_at;   // the latest feedback invitation

  bool exists() const { return !version.is_zero(); }
  bool is_open() const { return exists() && status != TicketStatus::kResolved; }
  bool operator==(const TicketState&) const = default;
};

// Folds one event of the ticket's stream into its state (events must come in version order).
void ApplyToTicket(TicketState& state, const Event& event);
// The same, moving the event's free text (description, external_ref) into the state instead of
// copying it:
// for a bulk replay that drops each event after folding it, where copying and then freeing
// that text was a twentieth of the fold. Those strings are unspecified in `event` afterwards.
void ApplyToTicketTakingText(TicketState& state, Event& event);

struct QueueInfo {
  std::set<std::string> members;
  bool first_line = false;
  Version version{};
  bool operator==(const QueueInfo&) const = default;
};

struct ServiceInfo {
  std::string title;
  Version version{};
  bool operator==(const ServiceInfo&) const = default;
};

struct ReferenceData {
  std::map<std::string, QueueInfo> queues;
  std::map<std::string, ServiceInfo> services;

  const QueueInfo* FindQueue(std::string_view name) const;
  const ServiceInfo* FindService(std::string_view name) const;
  bool IsFirstLine(std::string_view queue) const;
  bool operator==(const ReferenceData&) const = default;
};

// Folds a queue_defined or service_defined event; other events are ignored.
void ApplyToReference(ReferenceData& data, const Event& event);

}  // namespace tl::ledger
