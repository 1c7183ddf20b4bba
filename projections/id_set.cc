#include "projections/id_set.h"

namespace tl::projections {

using ledger::TicketId;

void IdSet::Insert(TicketId id) {
  if (id <= kMaxSmall) {
    small_.add(static_cast<uint32_t>(id.value()));
  } else {
    large_.insert(id);
  }
}

void IdSet::Erase(TicketId id) {
  if (id <= kMaxSmall) {
    small_.remove(static_cast<uint32_t>(id.value()));
  } else {
    large_.erase(id);
  }
}

uint64_t IdSet::size() const { return small_.cardinality() + large_.size(); }

IdSet::Cursor::Cursor(const IdSet& set, TicketId after)
    : large_(set.large_.upper_bound(after)), large_end_(set.large_.end()) {
  roaring_init_iterator(&set.small_.roaring, &small_);
  if (after >= kMaxSmall) {
    small_.has_value = false;
  } else if (small_.has_value) {
    roaring_move_uint32_iterator_equalorlarger(&small_, static_cast<uint32_t>(after.value() + 1));
  }
  Settle();
}

void IdSet::Cursor::Settle() {
  // Every small id is below every large one: the small ones come first.
  if (small_.has_value) {
    id_ = ledger::TicketId(small_.current_value);
  } else if (large_ != large_end_) {
    id_ = *large_;
  } else {
    id_ = ledger::TicketId{};
  }
}

void IdSet::Cursor::Next() {
  if (small_.has_value) {
    roaring_advance_uint32_iterator(&small_);
  } else if (large_ != large_end_) {
    ++large_;
  }
  Settle();
}

}  // namespace tl::projections
