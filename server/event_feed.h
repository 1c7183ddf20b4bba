// The event feed's body (GET /api/v1/events, docs/api.md), streamed: a feed of up to 10,000
// events is about 10 MB of JSON, so it is read from the log and serialized a page at a time,
// each page only once the previous one was written to the client (docs/api.md, "Limits").
#pragma once

#include <cstddef>
#include <vector>

#include "ledger/domain/event.h"
#include "ledger/store/event_log.h"
#include "server/http_message.h"

namespace tl::server {

// Events per piece of a streamed feed: about 256 KB of JSON.
inline constexpr size_t kFeedPage = 256;

// The body {"events":[...]} of up to `limit` events after seq `after`: first `first_page` (what
// log.Read(after, min(limit, kFeedPage)) gave), then read from `log` after the last one given,
// kFeedPage at a time; it ends at the first page shorter than asked (the log's head). Byte for byte
// what boost::json::serialize makes of the whole answer. A read error ends the source with that
// error (the session cuts the answer off). `log` must outlive the source.
BodySource EventFeedBody(const ledger::EventLog& log, ledger::Seq after,
                         std::vector<ledger::StoredEvent> first_page, size_t limit);

}  // namespace tl::server
