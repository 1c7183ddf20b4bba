#include "ledger/store/personal_seal.h"

#include <fmt/format.h>

#include "ledger/domain/personal_fields.h"
#include "ledger/privacy/field_cipher.h"

namespace tl::ledger {
namespace {

privacy::FieldContext ContextOf(const Event& event, std::string_view field_name) {
  privacy::FieldContext context;
  context.ticket_id = event.stream.ticket.value();
  context.seq = event.seq.value();
  context.event_type = EventTypeName(event.payload);
  context.event_id = event.event_id.bytes;
  context.field_name = field_name;
  return context;
}

}  // namespace

void SealPersonalFields(Event& event, const privacy::DataKey& key) {
  ForEachPersonalField(event.payload, [&](std::string_view name, std::string& value) {
    value = privacy::Seal(key, value, privacy::FieldAssociatedData(ContextOf(event, name)));
  });
}

Status OpenPersonalFields(Event& event, const privacy::KeyLookup& key) {
  if (!event.stream.is_ticket() || !HasPersonalFields(event.payload)) return Status::Ok();
  switch (key.state) {
    case privacy::KeyState::kErased:
      ForEachPersonalField(event.payload, [&](std::string_view, std::string& value) {
        // Sealed text is its plaintext plus the overhead: only an empty field is no longer.
        if (value.size() > privacy::kSealedOverhead) event.erased_text = true;
        value.clear();
        value.shrink_to_fit();
      });
      event.personal = PersonalData::kErased;
      return Status::Ok();
    case privacy::KeyState::kAbsent:
      return Status::DataLoss(
          fmt::format("seq {}: ticket {} has sealed personal data but no data key in the key store",
                      event.seq, event.stream.ticket));
    case privacy::KeyState::kLive:
      break;
  }
  Status failed;
  ForEachPersonalField(event.payload, [&](std::string_view name, std::string& value) {
    // A field left empty by the decoder (DecodeOptions::omit_narrative) stays empty: a sealed
    // field is never empty, it has at least the cipher's overhead.
    if (!failed.ok() || value.empty()) return;
    auto opened =
        privacy::Open(key.key, value, privacy::FieldAssociatedData(ContextOf(event, name)));
    if (!opened.ok()) {
      failed = opened.status().WithContext(fmt::format("seq {}, field {}", event.seq, name));
      return;
    }
    value = std::move(*opened);
  });
  if (failed.ok()) event.personal = PersonalData::kClear;
  return failed;
}

Status OpenPersonalFields(Event& event, const privacy::KeyStore& keys) {
  if (!event.stream.is_ticket() || !HasPersonalFields(event.payload)) return Status::Ok();
  TL_ASSIGN_OR_RETURN(privacy::KeyLookup key, keys.Get(event.stream.ticket.value()));
  return OpenPersonalFields(event, key);
}

}  // namespace tl::ledger
