// Which fields of an event are personal data (docs/api.md, "Personal data and erasure"): the
// requester and the subject; the bodies of replies, requester messages and comments; the
// solution; what a stall awaits; the feedback comment; the reason of a reopen or a move.
//
// The event log stores exactly these sealed under the ticket's data key (docs/log-format.md,
// "Personal fields"); everything else of an event stays readable to an auditor. One list, here,
// so that sealing, opening and erasing cannot disagree about which fields they cover.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "ledger/domain/event.h"

namespace tl::ledger {

// The actor of an event the requester authored (a mail, the feedback form, a reply the
// importer or generator records as theirs). Actors are not sealed (docs/api.md, "Personal data
// and erasure"), so a requester's address must never be one: the role stands in for it, and who
// the requester is lives only in the ticket's sealed `requester` field.
inline constexpr std::string_view kRequesterActor = "requester";

// Calls `visit(field_name, value)` for each personal field the payload holds (an update's
// requester or subject only when the update changes it), in a fixed order. The names are part
// of the stored format: they are bound into each sealed field's associated data.
void ForEachPersonalField(Payload& payload,
                          const std::function<void(std::string_view, std::string&)>& visit);

// Whether the payload has any personal field at all (an acknowledgement, a status change or a
// queue's definition has none, and needs no data key).
bool HasPersonalFields(const Payload& payload);

}  // namespace tl::ledger
