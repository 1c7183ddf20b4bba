// Sealing and opening an event's personal fields (ledger/domain/personal_fields.h) under its
// ticket's data key: what the log stores in format 3 (docs/log-format.md, "Personal fields").
//
// Each field is sealed with the field cipher (ledger/privacy/field_cipher.h); its associated data
// binds the ticket id, the event's seq, its type ("opened", "replied", ... as EventTypeName names
// it) and the field's name, so that no sealed field opens anywhere but where it was written.
// Pure functions but for OpenPersonalFields's key lookup; thread-safe as the key store is.
#pragma once

#include "ledger/domain/event.h"
#include "ledger/domain/status.h"
#include "ledger/privacy/key_store.h"
#include "ledger/privacy/secret_key.h"

namespace tl::ledger {

// Replaces each personal field of `event` (a ticket's event, with its seq) by its sealed bytes.
void SealPersonalFields(Event& event, const privacy::DataKey& key);

// The reverse, in place: each sealed field becomes its text (personal = kClear), or, when the
// ticket's key was destroyed, empty (personal = kErased). kDataLoss when a field does not open
// under the live key (altered bytes, a field moved from elsewhere) or a ticket with sealed fields
// has no key at all; the message names the seq, never a byte of the field.
Status OpenPersonalFields(Event& event, const privacy::KeyStore& keys);

// The same with the key already looked up.
Status OpenPersonalFields(Event& event, const privacy::KeyLookup& key);

}  // namespace tl::ledger
