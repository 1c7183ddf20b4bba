// EventLog::Verify: the auditor's walk over the whole log. Fail-stop: the first problem ends
// the walk and is reported with its seq and a reason, as LevelDB's log reader reports
// corruption instead of skipping it.
#include <unordered_map>

#include "ledger/store/codec.h"
#include "ledger/store/event_log_impl.h"

namespace tl::ledger {

VerifyReport EventLog::Verify(const std::function<void(Seq, Seq)>& progress) const {
  const LogHead head = Head();
  const RocksStore& store = *impl_->store;
  VerifyReport report;
  std::unordered_map<std::string, Version> versions;
  Hash prev = kGenesisHash;
  Seq expected = 1;

  auto fail = [&](Seq seq, std::string reason) {
    report.ok = false;
    report.bad_seq = seq;
    report.reason = std::move(reason);
    return false;
  };

  // The chain entries are walked in step with the events (a point lookup each was a third of
  // the walk's reads), bounded like the events' scan below.
  RocksStore::Cursor chain = store.NewCursor(
      Family::kChain, keys::SeqKey(1), keys::SeqKey(head.seq + 1), RocksStore::CacheUse::kBypass);

  auto check = [&](std::string_view key, std::string_view bytes) -> bool {
    auto seq = keys::ParseSeqKey(key);
    if (!seq.ok()) return fail(expected, "malformed key in the events family");
    if (*seq != expected) {
      return fail(expected, fmt::format("missing (the next stored event is seq {})", *seq));
    }
    if (*seq > head.seq) return fail(*seq, fmt::format("beyond the head (seq {})", head.seq));
    auto event = DecodeEvent(bytes, {.require_canonical = true});
    if (!event.ok()) return fail(*seq, std::string(event.status().message()));
    const Event& e = *event;
    if (e.seq != *seq) return fail(*seq, fmt::format("the event says it is seq {}", e.seq));

    const std::string prefix = keys::StreamPrefix(e.stream);
    Version& last = versions[prefix];
    if (e.version != last + 1) {
      return fail(*seq, fmt::format("{} version {} follows version {}", e.stream.ToString(),
                                    e.version, last));
    }
    last = e.version;
    const bool opened = std::holds_alternative<TicketOpened>(e.payload);
    if (e.stream.is_ticket() && opened != (e.version == 1)) {
      return fail(*seq,
                  fmt::format("{} must start with exactly one opened event", e.stream.ToString()));
    }

    auto indexed = store.Get(Family::kStreams, prefix + keys::SeqKey(e.version));
    if (!indexed.ok()) return fail(*seq, std::string(indexed.status().message()));
    if (!*indexed || indexed->value() != keys::SeqKey(*seq)) {
      return fail(*seq, fmt::format("the stream index does not map {} version {} to it",
                                    e.stream.ToString(), e.version));
    }
    auto id =
        store.Get(Family::kEventIds,
                  std::string_view(reinterpret_cast<const char*>(e.event_id.bytes.data()), 16));
    if (!id.ok()) return fail(*seq, std::string(id.status().message()));
    auto record = *id ? keys::DecodeIdempotencyRecord(**id)
                      : Result<keys::DecodedIdempotencyRecord>(Status::NotFound("absent"));
    if (!record.ok() || record->record.seq != *seq) {
      return fail(*seq,
                  fmt::format("the event id index does not map {} to it", e.event_id.ToString()));
    }

    const Hash hash = ChainHash(prev, bytes);
    auto stored = Impl::TakeChainHash(chain, *seq);
    if (!stored.ok()) return fail(*seq, std::string(stored.status().message()));
    if (*stored != hash) {
      return fail(*seq, fmt::format("hash mismatch: stored {}, computed {}", HashToHex(*stored),
                                    HashToHex(hash)));
    }
    prev = hash;
    report.events = *seq;
    ++expected;
    if (progress && (*seq & 0xFFF) == 0) progress(*seq, head.seq);
    return true;
  };

  // Bounded by the head taken at the start: a live log may be committing beyond it.
  Status scanned = store.Scan(Family::kEvents, keys::SeqKey(1), keys::SeqKey(head.seq + 1), check,
                              RocksStore::CacheUse::kBypass);
  if (report.ok && !scanned.ok()) {
    fail(expected, std::string(scanned.message()));
  }
  if (report.ok && expected != head.seq + 1) {
    fail(expected, fmt::format("missing (the head is seq {})", head.seq));
  }
  if (report.ok && !impl_->writer) {
    // Offline, nothing may follow the head; a live log may be committing past it.
    auto last = store.Last(Family::kEvents, {});
    if (!last.ok()) {
      fail(head.seq + 1, std::string(last.status().message()));
    } else if (*last && (*last)->first > keys::SeqKey(head.seq)) {
      fail(head.seq + 1, fmt::format("beyond the head (seq {})", head.seq));
    }
  }
  if (report.ok && prev != head.hash) {
    fail(head.seq, fmt::format("the head hash {} is not the chain's {}", HashToHex(head.hash),
                               HashToHex(prev)));
  }
  report.head = prev;
  if (progress) progress(report.events, head.seq);
  return report;
}

}  // namespace tl::ledger
