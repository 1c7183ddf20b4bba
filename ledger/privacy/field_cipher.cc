#include "ledger/privacy/field_cipher.h"

#include <span>

#include "ledger/privacy/internal/aead.h"

namespace tl::privacy {
namespace {

static_assert(internal::kSealedOverhead == kSealedOverhead);

constexpr std::string_view kFieldDomain = "tl.field.v1";

void AppendBigEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void AppendLengthPrefixed(std::string* out, std::string_view part) {
  AppendBigEndian(out, part.size(), 4);
  out->append(part);
}

}  // namespace

std::string Seal(const DataKey& key, std::string_view plaintext, std::string_view associated_data) {
  std::string sealed;
  sealed.reserve(plaintext.size() + kSealedOverhead);
  internal::AeadSeal(
      key, std::span(reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size()),
      associated_data, &sealed);
  return sealed;
}

Result<std::string> Open(const DataKey& key, std::string_view sealed,
                         std::string_view associated_data) {
  if (sealed.size() < kSealedOverhead) {
    return Status::DataLoss("sealed field is shorter than its header and tag");
  }
  std::string plaintext(sealed.size() - kSealedOverhead, '\0');
  switch (internal::AeadOpen(
      key, sealed, associated_data,
      std::span(reinterpret_cast<uint8_t*>(plaintext.data()), plaintext.size()))) {
    case internal::OpenError::kNone:
      return plaintext;
    case internal::OpenError::kMalformed:
      return Status::DataLoss("sealed field is malformed");
    case internal::OpenError::kUnknownVersion:
      return Status::DataLoss("sealed field has an unknown format version");
    case internal::OpenError::kNotAuthentic:
      break;
  }
  return Status::DataLoss(
      "sealed field does not authenticate: wrong key, wrong context, or altered bytes");
}

std::string FieldAssociatedData(const FieldContext& context) {
  std::string ad;
  ad.reserve(kFieldDomain.size() + 8 + 8 + 4 + context.event_type.size() + 16 + 4 +
             context.field_name.size());
  ad.append(kFieldDomain);
  AppendBigEndian(&ad, context.ticket_id, 8);
  AppendBigEndian(&ad, context.seq, 8);
  AppendLengthPrefixed(&ad, context.event_type);
  ad.append(reinterpret_cast<const char*>(context.event_id.data()), context.event_id.size());
  AppendLengthPrefixed(&ad, context.field_name);
  return ad;
}

}  // namespace tl::privacy
