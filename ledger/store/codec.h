// The event codec: Event <-> the exact bytes stored in the log.
//
// Stored bytes are one Cap'n Proto message of schema/events.capnp's Event, in canonical form,
// in the standard stream framing with a single segment (docs/log-format.md, "Value"):
//   u32le 0 (segment count - 1) | u32le N (segment words) | N * 8 bytes canonical segment
// so `capnp decode events.capnp Event` reads an export (a concatenation of them) directly.
// This is the only file that sees Cap'n Proto; kj::Exception is converted to Status here.
// Thread-safe (no shared state).
#pragma once

#include <string>
#include <string_view>

#include "ledger/domain/event.h"
#include "ledger/domain/result.h"

namespace tl::ledger {

// Encodes `event` canonically. Equal events give equal bytes.
std::string EncodeEvent(const Event& event);

struct DecodeOptions {
  // Also require the bytes to be exactly the canonical encoding of the decoded event, so
  // that no other byte string passes for it (as `verify` does).
  bool require_canonical = false;
  // Leave empty the text that only an event's history shows and no fold of the projections
  // reads: actor, recorded_by, the bodies of replies, requester messages and comments, the
  // reasons of moves and reopens, an unassignment's previous owner. For the projections' bulk
  // replay, where decoding and freeing that text was a fifth of the reader thread's time.
  // Excludes require_canonical.
  bool omit_narrative = false;
};

// Decodes stored bytes; any malformation or an event type this build does not know is a
// kCorruption status (the caller adds which seq).
Result<Event> DecodeEvent(std::string_view bytes, DecodeOptions options = {});
// The same into `event`, whose strings' buffers are reused (a replay decodes into the events
// of chunks it has already folded). On an error `event` is unspecified.
Status DecodeEventInto(std::string_view bytes, Event& event, DecodeOptions options = {});

// The length of the first framed message in `bytes`, or an error if the framing is broken.
// Lets exports be split into events without decoding them.
Result<size_t> FramedMessageLength(std::string_view bytes);

}  // namespace tl::ledger
