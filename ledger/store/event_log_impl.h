// The private state behind EventLog, shared by event_log.cc and log_verifier.cc.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "ledger/store/event_log.h"
#include "ledger/store/group_commit.h"
#include "ledger/store/hash_chain.h"
#include "ledger/store/log_keys.h"
#include "ledger/store/rocks_store.h"

namespace tl::ledger {

struct EventLog::Impl {
  std::unique_ptr<RocksStore> store;
  std::unique_ptr<GroupCommitWriter> writer;  // null when read-only; destroyed before store
  LogHead opened_head;                        // the head when opened (all a read-only log has)

  Result<Hash> HashAt(Seq seq) const {
    if (seq == 0) return kGenesisHash;
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

  static Status ChainEntryMissing(Seq seq) {
    return Status::DataLoss(fmt::format("seq {}: chain entry missing or malformed", seq));
  }
};

}  // namespace tl::ledger
