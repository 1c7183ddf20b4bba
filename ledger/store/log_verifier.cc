// EventLog::Verify: the auditor's walk over the whole log. Fail-stop: the first problem ends
// the walk and is reported with its seq and a reason, as LevelDB's log reader reports
// corruption instead of skipping it.
#include <map>
#include <unordered_map>
#include <utility>

#include "ledger/store/codec.h"
#include "ledger/store/event_log_impl.h"
#include "ledger/store/stored_tiles.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/tiles.h"

namespace tl::ledger {
namespace {

// Rebuilds the Merkle tree's tiles from the events' leaf hashes, in order, and compares every
// tile with the stored one as soon as it is complete: what proofs are computed from must be
// exactly what the events hash to. Keeps only the partial tiles (the right edge) in memory,
// which is all AppendLeaves reads.
class TreeCheck final : public tlog::TileReader {
 public:
  explicit TreeCheck(const RocksStore& store) : stored_(store) {}

  Result<std::string> ReadTile(int level, int64_t index) const override {
    auto it = edge_.find({level, index});
    if (it == edge_.end()) return Status::NotFound("not rebuilt");
    return it->second;
  }

  // Appends leaves size() .. size() + leaves.size() - 1; kDataLoss naming the first mismatch.
  Status Add(std::span<const Hash> leaves) {
    TL_ASSIGN_OR_RETURN(auto writes, tlog::AppendLeaves(size_, leaves, *this));
    size_ += static_cast<int64_t>(leaves.size());
    for (tlog::TileWrite& write : writes) {
      if (write.hashes.size() == tlog::kFullTileBytes) {
        TL_RETURN_IF_ERROR(Compare(write.level, write.index, write.hashes));
        edge_.erase({write.level, write.index});
      } else {
        edge_[{write.level, write.index}] = std::move(write.hashes);
      }
    }
    return Status::Ok();
  }

  // The first seq the first mismatch found covers: a leaf's own seq, or the first leaf under a
  // node. Where a reader must stop trusting the log (Verify's bad_seq); 0 before a mismatch.
  Seq first_bad() const { return first_bad_; }

  // Compares the partial tiles, once every leaf is in.
  Status Finish() const {
    for (const auto& [at, hashes] : edge_) TL_RETURN_IF_ERROR(Compare(at.first, at.second, hashes));
    return Status::Ok();
  }

 private:
  // The stored tile must begin with `rebuilt` (a live log's may have grown beyond it).
  Status Compare(int level, int64_t index, std::string_view rebuilt) const {
    auto stored = stored_.ReadTile(level, index);
    const std::string_view have = stored.ok() ? std::string_view(*stored) : std::string_view();
    for (size_t i = 0; i < rebuilt.size(); i += tlog::kHashSize) {
      if (have.substr(i, tlog::kHashSize) == rebuilt.substr(i, tlog::kHashSize)) continue;
      const int64_t position = index * tlog::kTileWidth + static_cast<int64_t>(i / tlog::kHashSize);
      first_bad_ = Seq(static_cast<uint64_t>(position << (level * tlog::kTileHeight)) + 1);
      if (level == 0) {
        return Status::DataLoss(fmt::format(
            "seq {}: the Merkle tree does not hold the event's leaf hash", position + 1));
      }
      return Status::DataLoss(
          fmt::format("the Merkle tree's node {} of level {} is not the hash of the leaves below "
                      "it",
                      position, level * tlog::kTileHeight));
    }
    return Status::Ok();
  }

  StoredTiles stored_;
  mutable Seq first_bad_{};
  int64_t size_ = 0;
  std::map<std::pair<int, int64_t>, std::string> edge_;
};

// The body of a signed note: the text before the blank line that precedes the signatures.
std::string_view NoteBody(std::string_view note) {
  const size_t blank = note.find("\n\n");
  return blank == std::string_view::npos ? note : note.substr(0, blank + 1);
}

}  // namespace

VerifyReport EventLog::Verify(const std::function<void(Seq, Seq)>& progress) const {
  const LogHead head = Head();
  const RocksStore& store = *impl_->store;
  VerifyReport report;
  std::unordered_map<std::string, Version> versions;
  Hash prev = kGenesisHash;
  Seq expected{1};
  TreeCheck tree(store);
  std::vector<Hash> leaves;  // hashed, not yet added to `tree`
  constexpr size_t kLeavesPerAdd = 4096;

  auto fail = [&](Seq seq, std::string reason) {
    report.ok = false;
    report.bad_seq = seq;
    report.reason = std::move(reason);
    return false;
  };

  // The chain entries are walked in step with the events (a point lookup each was a third of
  // the walk's reads), bounded like the events' scan below.
  RocksStore::Cursor chain =
      store.NewCursor(Family::kChain, keys::SeqKey(Seq{1}), keys::SeqKey(head.seq.Next()),
                      RocksStore::CacheUse::kBypass);

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
    if (e.version != last.Next()) {
      return fail(*seq, fmt::format("{} version {} follows version {}", e.stream.ToString(),
                                    e.version, last));
    }
    last = e.version;
    const bool opened = std::holds_alternative<TicketOpened>(e.payload);
    if (e.stream.is_ticket() && opened != (e.version == Version{1})) {
      return fail(*seq,
                  fmt::format("{} must start with exactly one opened event", e.stream.ToString()));
    }

    auto indexed = store.Get(Family::kStreams, prefix + keys::VersionKey(e.version));
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
    leaves.push_back(tlog::LeafHash(bytes));
    if (leaves.size() == kLeavesPerAdd) {
      if (Status added = tree.Add(leaves); !added.ok()) {
        return fail(Seq(seq->value() + 1 - leaves.size()), std::string(added.message()));
      }
      leaves.clear();
    }
    report.events = *seq;
    ++expected;
    if (progress && (seq->value() & 0xFFF) == 0) progress(*seq, head.seq);
    return true;
  };

  // Bounded by the head taken at the start: a live log may be committing beyond it.
  Status scanned = store.Scan(Family::kEvents, keys::SeqKey(Seq{1}), keys::SeqKey(head.seq.Next()),
                              check, RocksStore::CacheUse::kBypass);
  if (report.ok && !scanned.ok()) {
    fail(expected, std::string(scanned.message()));
  }
  if (report.ok && expected != head.seq.Next()) {
    fail(expected, fmt::format("missing (the head is seq {})", head.seq));
  }
  if (report.ok && !impl_->writer) {
    // Offline, nothing may follow the head; a live log may be committing past it.
    auto last = store.Last(Family::kEvents, {});
    if (!last.ok()) {
      fail(head.seq.Next(), std::string(last.status().message()));
    } else if (*last && (*last)->first > keys::SeqKey(head.seq)) {
      fail(head.seq.Next(), fmt::format("beyond the head (seq {})", head.seq));
    }
  }
  if (report.ok && prev != head.hash) {
    fail(head.seq, fmt::format("the head hash {} is not the chain's {}", HashToHex(head.hash),
                               HashToHex(prev)));
  }
  if (report.ok) {
    Status tiles = tree.Add(leaves);
    if (tiles.ok()) tiles = tree.Finish();
    if (!tiles.ok()) {
      fail(tree.first_bad().is_zero() ? head.seq : tree.first_bad(), std::string(tiles.message()));
    }
  }
  if (report.ok) CheckSignedCheckpoint(head.seq, report);
  report.head = prev;
  if (progress) progress(report.events, head.seq);
  return report;
}

void EventLog::CheckSignedCheckpoint(Seq head, VerifyReport& report) const {
  auto latest = LatestSignedCheckpoint();
  if (!latest.ok()) {
    report.ok = false;
    report.bad_seq = head;
    report.reason = std::string(latest.status().message());
    return;
  }
  if (!*latest) return;
  report.checkpoint_size = (*latest)->size;
  auto fail = [&](Seq seq, std::string reason) {
    report.ok = false;
    report.bad_seq = seq;
    report.reason = std::move(reason);
  };
  auto body = tlog::ParseCheckpoint(NoteBody((*latest)->note));
  if (!body.ok() || body->size != static_cast<int64_t>((*latest)->size.value())) {
    return fail(head,
                fmt::format("the signed checkpoint of size {} is malformed", (*latest)->size));
  }
  if ((*latest)->size > head) {
    return fail(head.Next(), fmt::format("the log ends at seq {} but a checkpoint was signed at "
                                         "size {}: events are missing from its end",
                                         head, (*latest)->size));
  }
  auto root = TreeRoot((*latest)->size);
  if (!root.ok()) return fail(head, std::string(root.status().message()));
  if (*root != body->root) {
    return fail((*latest)->size,
                fmt::format("the tree of size {} does not have the root its signed checkpoint "
                            "commits to",
                            (*latest)->size));
  }
}

Status EventLog::VerifyRange(Seq from, Seq to) const {
  // A scan checks each event it hands out against its chain hash and its leaf in the tree.
  return ScanRaw(from, to, [](Seq, std::string_view, const Hash&) { return Status::Ok(); });
}

Status EventLog::CheckTreeEdge() const {
  const auto head = static_cast<int64_t>(Head().seq.value());
  StoredTiles tiles(*impl_->store);
  for (int level = 0;; ++level) {
    // The hashes tile level `level` holds for a tree of `head` leaves, and its last tile.
    const int64_t hashes = head >> (tlog::kTileHeight * level);
    const int64_t last = hashes == 0 ? -1 : (hashes - 1) / tlog::kTileWidth;
    if (last >= 0) {
      auto tile = tiles.ReadTile(level, last);
      const int64_t want = hashes - last * tlog::kTileWidth;
      const int64_t have = tile.ok() ? static_cast<int64_t>(tile->size() / tlog::kHashSize) : 0;
      if (have != want) {
        return Status::DataLoss(fmt::format(
            "the Merkle tree's tile ({}, {}) holds {} hashes where a log of {} events has {}: "
            "the log and its tree disagree about where it ends",
            level, last, have, head, want));
      }
    }
    auto beyond = tiles.ReadTile(level, last + 1);
    if (beyond.ok()) {
      return Status::DataLoss(fmt::format(
          "the Merkle tree has tile ({}, {}) beyond the log's {} events: events were removed "
          "from its end",
          level, last + 1, head));
    }
    if (hashes == 0) return Status::Ok();
  }
}

}  // namespace tl::ledger
