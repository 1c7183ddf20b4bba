// One e-mail address normalisation for the whole code base: the form in which two ways of
// writing one person's address compare equal. Mail intake (mail/) uses it for every address it
// reads from a message, and the requester index (ledger/privacy/requester_index.h) hashes it, so
// the address a mail opened a ticket with is the address that finds it (docs/privacy.md, "The
// requester index").
#pragma once

#include <string>
#include <string_view>

namespace tl::ledger {

// The rule, in order:
//   1. trim ASCII white space (space, \t, \n, \v, \f, \r) at both ends;
//   2. remove one leading "mailto:" (in any case), then trim again;
//   3. remove one pair of angle brackets around the whole address ("<ann@x.org>"), then trim;
//   4. lower-case ASCII letters in the whole address, local part included (RFC 5321 lets the
//      local part be case-sensitive, but no mail system in use treats it so, and people type
//      both); bytes >= 0x80 are left as they are: no Unicode case folding or normalisation.
// Nothing else: no display names ("Ann <ann@x.org>" stays as it is, lower-cased), no "+tag" or
// dot removal, no IDN conversion. The requester index stores HMACs of this form: changing the
// rule changes every stored digest.
std::string NormalizeAddress(std::string_view address);

}  // namespace tl::ledger
