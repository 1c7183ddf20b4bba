#include "tools/import/translator.h"

#include "ledger/domain/personal_fields.h"
#include "ledger/domain/ticket_state.h"
#include "tools/import/row_rules.h"

namespace tl::tools::import {
namespace {

using ledger::TicketStatus;

constexpr std::string_view kCaseSpace = "ticketledger.import.case";

// Collects one row's events, applying each to the ticket's state as it goes so that the next
// decision sees it.
class RowEvents {
 public:
  RowEvents(ledger::TicketState& state, ledger::TicketTexts& texts, const SourceRow& row,
            const std::string& recorded_by, ledger::EventId primary)
      : state_(state), texts_(texts), row_(row), recorded_by_(recorded_by), primary_(primary) {}

  void Emit(ledger::Payload payload, const std::string& actor) {
    ledger::Event applied;
    applied.version = state_.version.Next();
    applied.occurred_at = row_.time;
    applied.payload = std::move(payload);
    ledger::ApplyToTicket(state_, applied);
    ledger::ApplyToTicketTexts(texts_, applied);
    ledger::EventDraft& draft = events_.emplace_back();
    const auto index = static_cast<uint32_t>(events_.size() - 1);
    draft.event_id = index == 0 ? primary_ : ledger::EventId::Derived(primary_, index);
    draft.occurred_at = row_.time;
    // A source that names the caller as who acted (a self-service step) must not put the
    // requester's name in the readable actor (docs/api.md, "Personal data and erasure").
    draft.actor =
        !actor.empty() && actor == texts_.requester ? std::string(ledger::kRequesterActor) : actor;
    draft.recorded_by = recorded_by_;
    draft.payload = std::move(applied.payload);
  }
  void Emit(ledger::Payload payload) { Emit(std::move(payload), row_.actor); }

  std::vector<ledger::EventDraft> Take() { return std::move(events_); }
  bool empty() const { return events_.empty(); }

 private:
  ledger::TicketState& state_;
  ledger::TicketTexts& texts_;
  const SourceRow& row_;
  const std::string& recorded_by_;
  ledger::EventId primary_;
  std::vector<ledger::EventDraft> events_;
};

bool AsksForActive(TargetStatus s) {
  return s == TargetStatus::kActive || s == TargetStatus::kOpen || s == TargetStatus::kStalled;
}

}  // namespace

ledger::EventId CaseOpenedId(std::string_view source, std::string_view case_id,
                             ledger::TimeNs opened_at) {
  std::string name(source);
  name.push_back('\n');
  name.append(case_id);
  return ledger::EventId::FromName(kCaseSpace, name)
      .WithTimePrefix(opened_at / ledger::kNanosPerMilli);
}

Translator::Translator(const Mapping& mapping, const Membership& membership,
                       std::string recorded_by)
    : mapping_(mapping), membership_(membership), recorded_by_(std::move(recorded_by)) {}

bool Translator::OpensTicket(const SourceRow& row) const {
  const ActivityRule* rule = FindRule(mapping_, row);
  return rule != nullptr && rule->skip.empty();
}

std::vector<ledger::EventDraft> Translator::TranslateRow(CaseState& case_state,
                                                         const SourceRow& row,
                                                         std::string* skip_reason) const {
  const ActivityRule* rule = FindRule(mapping_, row);
  if (rule == nullptr) {
    *skip_reason = "unknown activity \"" + row.activity + "\"";
    return {};
  }
  if (!rule->skip.empty()) {
    *skip_reason = rule->skip;
    return {};
  }
  ledger::TicketState& state = case_state.ticket;
  const bool opens = !state.exists();
  const TicketStatus status_before = state.status;
  const ledger::TicketTexts& texts = case_state.texts;
  RowEvents events(state, case_state.texts, row, recorded_by_,
                   opens ? CaseOpenedId(mapping_.source, row.case_id, row.time) : row.id);

  if (opens) {
    ledger::TicketOpened opened;
    opened.service = OrDefault(row.service, mapping_.service);
    opened.category = row.category.value_or(
        *ledger::ParseCategory(mapping_.category.constant.value_or(mapping_.category.fallback)));
    opened.description = OrDefault(row.description, mapping_.description);
    opened.queue = OrDefault(row.queue, mapping_.queue);
    opened.requester = OrDefault(row.requester, mapping_.requester);
    opened.channel = row.channel.value_or(
        *ledger::ParseChannel(mapping_.channel.constant.value_or(mapping_.channel.fallback)));
    opened.external_ref = row.case_id;
    events.Emit(std::move(opened), row.opened_by.empty() ? row.actor : row.opened_by);
  }

  // Activity after resolution reopens the ticket before anything else happens to it.
  if (state.status == TicketStatus::kResolved && AsksForActive(rule->status)) {
    events.Emit(ledger::Reopened{"activity after resolution: " + row.activity});
  }

  if (std::string_view queue = RowQueue(*rule, row); !queue.empty() && queue != state.queue) {
    ledger::Moved moved;
    moved.from_queue = state.queue;
    moved.to_queue = std::string(queue);
    moved.misroute = mapping_.first_line_queues.contains(queue) &&
                     !mapping_.first_line_queues.contains(state.queue);
    // As a live move does: an owner who is not a member of the new queue is cleared. If the
    // row names that same owner, the assignment below records it, outside the queue.
    moved.owner_cleared = !state.owner.empty() && !membership_.IsMember(queue, state.owner);
    events.Emit(std::move(moved));
  }

  if (auto owner = RowOwner(*rule, row)) {
    if (!owner->empty() && *owner != state.owner) {
      events.Emit(ledger::Assigned{*owner});
    } else if (owner->empty() && !state.owner.empty()) {
      events.Emit(ledger::Unassigned{state.owner});
    }
  }

  if (!opens) {
    ledger::Updated updated;
    if (!row.service.empty() && row.service != state.service) updated.service = row.service;
    if (row.category && *row.category != state.category) updated.category = row.category;
    if (!row.description.empty() && row.description != state.description) {
      updated.description = row.description;
    }
    if (!row.requester.empty() && row.requester != texts.requester) {
      updated.requester = row.requester;
    }
    if (updated != ledger::Updated{}) events.Emit(std::move(updated));
  }

  switch (rule->status) {
    case TargetStatus::kKeep:
      break;
    case TargetStatus::kActive:
      if (state.status == TicketStatus::kStalled) events.Emit(ledger::Resumed{});
      break;
    case TargetStatus::kOpen:
      if (state.status == TicketStatus::kNew || state.status == TicketStatus::kStalled) {
        events.Emit(ledger::Resumed{});
      }
      break;
    case TargetStatus::kStalled: {
      // No source records a follow-up date: the stall says so (follow_up_at 0), and the
      // compliance report counts it.
      const std::string& awaiting = rule->awaiting.empty() ? row.activity : rule->awaiting;
      if (state.status != TicketStatus::kStalled || !state.stalled || texts.awaiting != awaiting) {
        events.Emit(ledger::Stalled{awaiting, 0});
      }
      break;
    }
    case TargetStatus::kResolved:
      // No source records a solution: the resolution says so (empty), and is counted.
      if (state.status != TicketStatus::kResolved) events.Emit(ledger::Resolved{});
      break;
    case TargetStatus::kComment:
      events.Emit(ledger::Commented{row.activity});
      break;
  }

  if (events.empty()) {
    *skip_reason =
        rule->status == TargetStatus::kResolved && status_before == TicketStatus::kResolved
            ? "already resolved (not a second resolution)"
            : "no change";
  }
  return events.Take();
}

}  // namespace tl::tools::import
