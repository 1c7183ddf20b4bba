// RFC 2047 encoded words ("=?utf-8?B?...?="), decoded by us rather than by GMime.
//
// Why: GMime 3.2.13 (Debian 12) loses everything after a base64 encoded word that ends in '='
// padding when the next word has the same charset ("=?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?="
// decodes to "Hello"; GMime issue #133, fixed in 3.2.14). Gmail and Outlook split long
// subjects, names and file names into exactly such words. Decoding ourselves also joins a
// character that a broken mailer split across two words, and reads iso-8859-1 words as
// Windows-1252 like every other text (internal/text.h).
//
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tl::mail::internal {

// An unstructured header value (Subject) as UTF-8: encoded words decoded, the white space
// between two adjacent encoded words dropped (RFC 2047 section 6.2), other text kept, its
// 8-bit bytes read as UTF-8 or else Windows-1252. Folding is not undone; CleanLine does that.
std::string DecodeUnstructured(std::string_view raw_value);

// A structured header value (an address list, a Content-Disposition) with every run of
// encoded words replaced by its decoded text, so that GMime can parse it without decoding any
// word itself: inside a quoted string the text is escaped, inside a comment too, elsewhere it
// becomes a quoted string ("=?utf-8?Q?Ola_N=C3=B8rdmann?= <o@x>" -> "\"Ola Nørdmann\" <o@x>").
// Controls in decoded text become spaces so that no header syntax can be injected.
// Decoded text may itself look like an encoded word (its sender wrote "=?x?Q?y?=" as text), and
// GMime decodes encoded words in quoted names whatever its compliance mode: so a decoded "=?"
// is written with a private-use character between '=' and '?', which RestoreLookalikes takes
// out of what GMime returns.
std::string ReplaceEncodedWords(std::string_view raw_value);

// `text` without the marks ReplaceEncodedWords put into decoded "=?".
std::string RestoreLookalikes(std::string text);

}  // namespace tl::mail::internal
