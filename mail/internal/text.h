// Text helpers of the mail library: UTF-8 validity, charset conversion to UTF-8 and the clean-up
// that every string leaving ParseInbound goes through. Internal to tl::mail (tested directly).
//
// The invariant these keep: every std::string in an InboundMessage is valid UTF-8 and holds no
// control characters but '\n' and '\t' (and those only in body text), whatever bytes came in.
// All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ledger/domain/address.h"

namespace tl::mail::internal {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD (one per maximal bad subpart).
std::string MakeValidUtf8(std::string_view text);

// Converts `bytes` labelled with MIME `charset` to UTF-8 with GMime's iconv wrapper, which knows
// the MIME charset aliases. Never fails:
//  - "utf-8": ill-formed sequences become U+FFFD;
//  - no label or "us-ascii": the bytes are kept when they are UTF-8 (mail labelled us-ascii
//    often is), otherwise they are read as Windows-1252;
//  - "iso-8859-1" (and its aliases) is read as Windows-1252, its superset on every printable
//    byte, as the WHATWG Encoding Standard and every mail client do (Outlook labels cp1252 text
//    iso-8859-1 and uses 0x80-0x9F for quotes and the euro sign);
//  - an unknown charset falls back as if unlabelled; bytes a charset cannot decode become U+FFFD.
std::string ToUtf8(std::string_view bytes, std::string_view charset);

// One line of header-derived text: controls (tabs and line breaks too) become spaces, runs of
// white space collapse to one, both ends are trimmed; ill-formed UTF-8 becomes U+FFFD.
std::string CleanLine(std::string_view text);

// Body text: line ends become '\n', controls other than '\n' and '\t' are dropped, blank lines at
// the start and white space at the end are removed; ill-formed UTF-8 becomes U+FFFD.
std::string CleanBody(std::string_view text);

std::string AsciiLower(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string_view TrimWhitespace(std::string_view text);

// Addresses are normalised by the domain's one rule (ledger/domain/address.h), which the
// requester index hashes too: the address a mail came from is the one that finds its tickets.
using ledger::NormalizeAddress;

}  // namespace tl::mail::internal
