// ReadModel: one read model folded from the log in seq order (docs/projections.md). Projections
// owns the ticket states (TicketIndex) and hands every other model each event together with the
// ticket's state before and after it, so a model that groups by a ticket's *current* service,
// queue or category can take the ticket's contribution out of its old group and put it into the
// new one. A model never reads the wall clock: times come from the events.
//
// Each model has a name (its checkpoint's key) and a version stamp. Bump the stamp whenever the
// model's encoding or the meaning of its state changes: a checkpoint with another stamp is
// ignored and the model is rebuilt from seq 1. Models are listed in a ModelRegistry
// (model_registry.h); a model that answers a report declares `using Report = R;` and
// `R Query(const ReportParams&, const ReportScope&) const`, and returns R by value.
//
// Not thread-safe: the projector serialises Apply against queries.
#pragma once

#include <compare>
#include <cstdint>
#include <string_view>

#include "ledger/domain/event.h"
#include "ledger/domain/ticket_state.h"
#include "projections/checkpoint_codec.h"
#include "projections/model_registry.h"
#include "projections/names.h"

namespace tl::projections {

// The group a ticket counts in: its current service, queue and category. Models that do not
// group by some of these leave them at their defaults.
struct GroupKey {
  NameId service = 0;
  NameId queue = 0;
  ledger::Category category = ledger::Category::kSupport;
  auto operator<=>(const GroupKey&) const = default;
};

// One event as every model sees it.
struct Change {
  // In a bulk replay the event's free text (ledger::ApplyToTicketTakingText lists it) has been
  // moved into the ticket state: read it from `after`, never from the payload. The event also
  // comes without its narrative (actor, recorded_by, bodies, reasons: ledger::DecodeOptions::
  // omit_narrative), which no model may read.
  const ledger::Event& event;
  // For ticket events: the ticket just before the event (version 0 when the event opens it) and
  // just after. Both null for reference-data events.
  // `before` comes without the free text no aggregate reads, which stays empty in it: requester,
  // subject, external_ref, solution, children, a stall's `awaiting`, a feedback's comment, and
  // the description unless `description_changed` (copying them per event cost a cache miss
  // each). Every other field is the ticket's.
  const ledger::TicketState* before = nullptr;
  const ledger::TicketState* after = nullptr;
  // The reference data as it stood before the event ("the queue's members at that moment").
  const ledger::ReferenceData& reference;
  // For ticket events: the groups (service, queue, category) of `before` and `after`, interned
  // once here for every model (Narrow takes the fields a model groups by).
  GroupKey before_group{};
  GroupKey after_group{};
  // For ticket events: the owners of `before` and `after`, interned ("" is 0).
  NameId before_owner = 0;
  NameId after_owner = 0;
  // Whether the event may have changed the description; `before` holds the old one only then.
  bool description_changed = false;
};

class ReadModel {
 public:
  virtual ~ReadModel() = default;
  virtual std::string_view name() const = 0;
  virtual uint32_t version() const = 0;
  virtual void Apply(const Change& change) = 0;
  // Deterministic: equal states give equal bytes (containers keyed by interned ids are written
  // in the order of their strings).
  virtual void Encode(CheckpointWriter& out) const = 0;
  // Into a freshly constructed model; failures go through `in` (CheckpointReader::Fail).
  virtual void Decode(CheckpointReader& in) = 0;
};

struct GroupKeyHash {
  size_t operator()(const GroupKey& k) const {
    const uint64_t packed = (uint64_t{k.service} << 32 | k.queue) * 0x9E3779B97F4A7C15ULL;
    return static_cast<size_t>(packed ^ (packed >> 29) ^ static_cast<uint64_t>(k.category));
  }
};

}  // namespace tl::projections
