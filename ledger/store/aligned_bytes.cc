#include "ledger/store/aligned_bytes.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace tl::ledger {

void AlignedBytes::Free::operator()(char* p) const { std::free(p); }

bool AlignedBytes::Reserve(size_t capacity) {
  if (capacity <= capacity_) return true;
  const size_t grown = std::max(RoundUp(capacity), 2 * capacity_);
  char* p = static_cast<char*>(std::aligned_alloc(kBlock, grown));
  if (p == nullptr) return false;
  if (size_ > 0) std::memcpy(p, data_.get(), size_);
  data_.reset(p);
  capacity_ = grown;
  return true;
}

bool AlignedBytes::Append(const char* bytes, size_t n) {
  if (!Reserve(size_ + n)) return false;
  if (n > 0) std::memcpy(data_.get() + size_, bytes, n);
  size_ += n;
  return true;
}

bool AlignedBytes::AssignPadded(const char* bytes, size_t n) {
  const size_t padded = RoundUp(n);
  if (!Reserve(padded)) return false;
  if (n > 0) std::memcpy(data_.get(), bytes, n);
  std::memset(data_.get() + n, 0, padded - n);
  size_ = padded;
  return true;
}

void AlignedBytes::DropFront(size_t n) {
  if (n == 0) return;
  std::memmove(data_.get(), data_.get() + n, size_ - n);
  size_ -= n;
}

}  // namespace tl::ledger
