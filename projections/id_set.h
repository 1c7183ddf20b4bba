// IdSet: an ordered set of ticket ids for the list filters' indexes, held as a Roaring bitmap
// (CRoaring, Debian's libroaring-dev): about two bytes per id where ids are sparse and an
// eighth of a byte where they are dense, where a std::set node costs 48 bytes. Five such sets
// index every ticket, so this was a fifth of the projections' memory per ticket.
//
// Ticket ids are dense from 1 (the log assigns them), so they fit the bitmap's 32 bits for any
// history this process could hold in memory; larger ids still work, through a std::set.
// Not thread-safe; copyable and movable.
#pragma once

#include <cstdint>
#include <roaring/roaring.hh>
#include <set>

#include "ledger/domain/types.h"

namespace tl::projections {

class IdSet {
 public:
  void Insert(ledger::TicketId id);
  void Erase(ledger::TicketId id);
  uint64_t size() const;
  bool empty() const { return size() == 0; }

  // The ids greater than `after`, in ascending order:
  //   for (auto c = set.After(after); c.valid(); c.Next()) use(c.id());
  // The set must not change while a cursor is in use.
  class Cursor {
   public:
    bool valid() const { return !id_.is_zero(); }
    ledger::TicketId id() const { return id_; }
    void Next();

   private:
    friend class IdSet;
    Cursor(const IdSet& set, ledger::TicketId after);
    void Settle();  // id_ = the smaller of the two sources' current ids (0: none left)

    roaring_uint32_iterator_t small_{};
    std::set<ledger::TicketId>::const_iterator large_, large_end_;
    ledger::TicketId id_{};
  };
  Cursor After(ledger::TicketId after) const { return Cursor(*this, after); }

 private:
  static constexpr ledger::TicketId kMaxSmall{UINT32_MAX};
  Roaring small_;                     // ids <= kMaxSmall
  std::set<ledger::TicketId> large_;  // ids above it (none in practice)
};

}  // namespace tl::projections
