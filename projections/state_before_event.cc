#include "projections/state_before_event.h"

#include <variant>

namespace tl::projections {

using namespace tl::ledger;

namespace {

// Whether `event` may change the ticket's description (see ApplyToTicket).
bool ChangesDescription(const Event& event) {
  if (std::holds_alternative<TicketOpened>(event.payload)) return true;
  const auto* updated = std::get_if<Updated>(&event.payload);
  return updated && updated->description;
}

}  // namespace

// Field by field, so keep it in step with TicketState: the size check below is a reminder on
// the platform we build for, and tests/projections/state_before_event_test.cc compares the
// result with a full copy.
bool CopyBeforeEvent(const TicketState& from, const Event& event, TicketState& to) {
#if defined(__x86_64__) && defined(__GLIBCXX__)
  static_assert(sizeof(TicketState) == 400,
                "a TicketState field was added or removed: update CopyBeforeEvent");
#endif
  const bool with_description = ChangesDescription(event);
  to.id = from.id;
  to.version = from.version;
  to.status = from.status;
  to.category = from.category;
  to.channel = from.channel;
  to.acknowledged = from.acknowledged;
  to.invited_since_resolution = from.invited_since_resolution;
  to.reopened = from.reopened;
  to.erased = from.erased;
  to.solution_given = from.solution_given;
  to.service = from.service;
  if (with_description) {
    to.description = from.description;
  } else {
    to.description.clear();
  }
  to.queue = from.queue;
  to.owner = from.owner;
  to.external_ref.clear();
  to.created_at = from.created_at;
  to.updated_at = from.updated_at;
  to.first_response_at = from.first_response_at;
  to.resolved_at = from.resolved_at;
  if (from.stalled) {
    if (!to.stalled) to.stalled = ledger::StallInfo{};
    to.stalled->follow_up_at = from.stalled->follow_up_at;
  } else {
    to.stalled.reset();
  }
  to.parent = from.parent;
  to.children.clear();
  if (from.feedback) {
    if (!to.feedback) to.feedback = ledger::Feedback{};
    to.feedback->score = from.feedback->score;
  } else {
    to.feedback.reset();
  }
  to.status_since = from.status_since;
  to.active_ns = from.active_ns;
  to.resolution_ns = from.resolution_ns;
  to.last_resolved_at = from.last_resolved_at;
  to.last_invited_at = from.last_invited_at;
  to.text_seqs = from.text_seqs;
  return with_description;
}

}  // namespace tl::projections
