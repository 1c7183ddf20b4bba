// AlignedBytes: a growable byte buffer whose address is block-aligned, as O_DIRECT writes
// require of their memory. Private to ledger/ (the WAL's file, wal_file_system.cc).
#pragma once

#include <cstddef>
#include <memory>

namespace tl::ledger {

class AlignedBytes {
 public:
  static constexpr size_t kBlock = 4096;  // the alignment, and the unit AssignPadded pads to
  static size_t RoundUp(size_t n) { return (n + kBlock - 1) / kBlock * kBlock; }

  AlignedBytes() = default;
  AlignedBytes(const AlignedBytes&) = delete;
  AlignedBytes& operator=(const AlignedBytes&) = delete;

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }

  // Each returns false, changing nothing, when memory runs out.
  bool Append(const char* bytes, size_t n);
  // Replaces the contents with `n` bytes, followed by zeros up to a multiple of kBlock.
  bool AssignPadded(const char* bytes, size_t n);
  void DropFront(size_t n);  // n <= size()
  void Clear() { size_ = 0; }

 private:
  bool Reserve(size_t capacity);

  struct Free {
    void operator()(char* p) const;
  };
  std::unique_ptr<char, Free> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace tl::ledger
