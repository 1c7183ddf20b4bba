// The text formats inside a delivery status notification (RFC 3464). Internal to tl::mail.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "mail/inbound_message.h"

namespace tl::mail::internal {

// Reads the content of a message/delivery-status part: per-message fields, a blank line, then
// one block of fields per recipient (RFC 3464 section 2.1). Unknown fields are ignored, lines
// without a colon skipped; never fails. Leaves original_message_id empty.
DeliveryReport ParseDeliveryStatus(std::string_view text);

// The Message-ID in a block of header lines (a text/rfc822-headers part), without angle
// brackets; "" when there is none.
std::string FindMessageId(std::string_view header_block);

// The id inside the first "<...>" of a header value, or the trimmed value when it has none.
std::string StripAngleBrackets(std::string_view value);

}  // namespace tl::mail::internal
