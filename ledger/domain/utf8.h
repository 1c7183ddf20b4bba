// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing past U+10FFFF. One
// decoder for every place that checks text: the server's request input and the importer's
// XML scanner, which adds XML's own rules on top of the code points.
#pragma once

#include <cstdint>
#include <string_view>

namespace tl::ledger {

struct Utf8Sequence {
  // 1-4; 0: the bytes are not well-formed UTF-8 there; -1: the sequence is cut off by the
  // end of the bytes (more input may complete it).
  int length = 0;
  uint32_t code_point = 0;
};

// The sequence at the front of `bytes`, which must not be empty.
Utf8Sequence DecodeUtf8(std::string_view bytes);

// Whether all of `text` is well-formed UTF-8 (a sequence cut off at its end is not).
bool IsValidUtf8(std::string_view text);

}  // namespace tl::ledger
