#include "ledger/domain/utf8.h"

namespace tl::ledger {

Utf8Sequence DecodeUtf8(std::string_view bytes) {
  const auto lead = static_cast<unsigned char>(bytes[0]);
  if (lead < 0x80) return Utf8Sequence{1, lead};
  int length = 0;
  uint32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return Utf8Sequence{};  // a continuation byte, an overlong lead (C0, C1) or past F4
  }
  if (bytes.size() < static_cast<size_t>(length)) return Utf8Sequence{-1, 0};
  for (int k = 1; k < length; ++k) {
    const auto c = static_cast<unsigned char>(bytes[k]);
    if ((c & 0xC0) != 0x80) return Utf8Sequence{};
    cp = cp << 6 | (c & 0x3F);
  }
  if ((length == 3 && cp < 0x800) || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return Utf8Sequence{};
  }
  return Utf8Sequence{length, cp};
}

bool IsValidUtf8(std::string_view text) {
  while (!text.empty()) {
    const Utf8Sequence s = DecodeUtf8(text);
    if (s.length <= 0) return false;
    text.remove_prefix(s.length);
  }
  return true;
}

}  // namespace tl::ledger
