// The private state behind EventLog, shared by event_log.cc and log_verifier.cc.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "ledger/domain/personal_fields.h"
#include "ledger/store/codec.h"
#include "ledger/store/event_log.h"
#include "ledger/store/hash_chain.h"
#include "ledger/store/log_keys.h"
#include "ledger/store/log_writer.h"
#include "ledger/store/personal_seal.h"
#include "ledger/store/rocks_store.h"
#include "ledger/store/stored_tiles.h"
#include "ledger/tlog/hash.h"

namespace tl::ledger {

struct EventLog::Impl {
  std::unique_ptr<RocksStore> store;
  std::unique_ptr<LogWriter> writer;        // null when read-only; destroyed before store
  LogHead opened_head;                      // the head when opened (all a read-only log has)
  bool sealed = false;                      // the ledger stores personal fields sealed
  std::shared_ptr<privacy::KeyStore> keys;  // null: read without keys

  Result<Hash> HashAt(Seq seq) const {
    if (seq.is_zero()) return kGenesisHash;
    TL_ASSIGN_OR_RETURN(auto value, store->Get(Family::kChain, keys::SeqKey(seq)));
    if (!value || value->size() != 32) return ChainEntryMissing(seq);
    Hash h;
    std::copy(value->begin(), value->end(), reinterpret_cast<char*>(h.data()));
    return h;
  }

  // The hash under a cursor over the chain family if it is `seq`'s, moving past it: the chain
  // walked in step with the events (ScanRaw, Verify) instead of a lookup per event.
  static Result<Hash> TakeChainHash(RocksStore::Cursor& chain, Seq seq) {
    if (!chain.Valid()) {
      TL_RETURN_IF_ERROR(chain.status());
      return ChainEntryMissing(seq);
    }
    auto at = keys::ParseSeqKey(chain.key());
    if (!at.ok() || *at != seq || chain.value().size() != 32) return ChainEntryMissing(seq);
    Hash h;
    std::copy(chain.value().begin(), chain.value().end(), reinterpret_cast<char*>(h.data()));
    chain.Next();
    return h;
  }

  // The check every event handed out passes first: its bytes chain from the previous hash to
  // its own stored hash.
  static Status CheckChain(Seq seq, const Hash& prev, std::string_view bytes, const Hash& hash) {
    if (ChainHash(prev, bytes) != hash) {
      return Status::DataLoss(
          fmt::format("seq {}: the stored event does not match its chain hash", seq));
    }
    return Status::Ok();
  }

  // The second check every event handed out passes: the Merkle tree holds its leaf hash. An
  // event rewritten with the chain recomputed after it still fails here (docs/log-format.md,
  // "What each check catches"). `tile` caches the level-0 tile last read, for scans.
  struct LeafCheck {
    int64_t index = -1;
    std::string hashes;
  };
  Status CheckLeaf(Seq seq, std::string_view bytes, LeafCheck& tile) const {
    const auto leaf = static_cast<int64_t>(seq.value() - 1);
    if (leaf / tlog::kTileWidth != tile.index) {
      auto read = StoredTiles(*store).ReadTile(0, leaf / tlog::kTileWidth);
      if (!read.ok()) {
        return Status::DataLoss(fmt::format("seq {}: the Merkle tree has no leaf for it ({})", seq,
                                            read.status().message()));
      }
      tile.index = leaf / tlog::kTileWidth;
      tile.hashes = std::move(*read);
    }
    const size_t at = static_cast<size_t>(leaf % tlog::kTileWidth) * tlog::kHashSize;
    if (tile.hashes.size() < at + tlog::kHashSize ||
        std::string_view(tile.hashes).substr(at, tlog::kHashSize) !=
            tlog::HashBytes(tlog::LeafHash(bytes))) {
      return Status::DataLoss(
          fmt::format("seq {}: the Merkle tree does not hold the stored event's leaf hash", seq));
    }
    return Status::Ok();
  }

  // Decodes the stored bytes of `seq`, which must say they are that seq, and opens its
  // personal fields when the log has keys.
  Result<Event> DecodeAt(Seq seq, std::string_view bytes) const {
    auto event = DecodeEvent(bytes);
    if (!event.ok()) return event.status().WithContext(fmt::format("seq {}", seq));
    if (event->seq != seq) {
      return Status::DataLoss(fmt::format("seq {}: the event says it is seq {}", seq, event->seq));
    }
    TL_RETURN_IF_ERROR(OpenPersonal(*event));
    return event;
  }

  // The personal fields of a decoded event as a reader may see them (EventLog::OpenPersonal).
  Status OpenPersonal(Event& event, DataKeyCache* cache = nullptr) const {
    if (!sealed || !event.stream.is_ticket() || !HasPersonalFields(event.payload)) {
      return Status::Ok();
    }
    if (!keys) {
      event.personal = PersonalData::kSealed;
      return Status::Ok();
    }
    if (!cache) return OpenPersonalFields(event, *keys);
    TL_ASSIGN_OR_RETURN(const privacy::KeyLookup* key,
                        cache->Get(*keys, event.stream.ticket.value()));
    return OpenPersonalFields(event, *key);
  }

  static Status ChainEntryMissing(Seq seq) {
    return Status::DataLoss(fmt::format("seq {}: chain entry missing or malformed", seq));
  }
};

}  // namespace tl::ledger
