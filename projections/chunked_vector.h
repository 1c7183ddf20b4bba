// ChunkedVector: a growable array in fixed chunks of kChunk elements, for the projections'
// per-ticket states. Growing never moves an element (a vector's doubling would copy hundreds
// of megabytes and keep up to twice the memory), and, unlike std::deque, whose blocks hold a
// single element as large as a ticket's state, it costs one allocation per kChunk elements
// instead of one each: no allocator header and no block pointer per ticket (24 bytes of about
// a thousand), and a new ticket is constructed in memory already mapped. A chunk as large as a
// huge page gets one (chunk_memory.h).
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "projections/chunk_memory.h"

namespace tl::projections {

template <class T, size_t kChunk = 1024>
class ChunkedVector {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  T& back() { return (*this)[size_ - 1]; }

  // Grows to at least n elements, the new ones default-constructed; never shrinks.
  void grow_to(size_t n) {
    while (chunks_.size() * kChunk < n) chunks_.emplace_back();
    if (n > size_) size_ = n;
  }
  void push_back(T value) {
    grow_to(size_ + 1);
    back() = std::move(value);
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
  }

 private:
  // kChunk elements in memory of their own (chunk_memory.h: huge pages for large chunks).
  class Chunk {
   public:
    Chunk() : memory_(sizeof(T) * kChunk) {
      std::uninitialized_value_construct_n(elements(), kChunk);
    }
    ~Chunk() {
      if (memory_.data()) std::destroy_n(elements(), kChunk);  // else moved from
    }
    Chunk(Chunk&&) noexcept = default;

    T& operator[](size_t i) { return elements()[i]; }
    const T& operator[](size_t i) const { return elements()[i]; }

   private:
    T* elements() const { return static_cast<T*>(memory_.data()); }

    ChunkMemory memory_;
  };

  std::vector<Chunk> chunks_;
  size_t size_ = 0;
};

}  // namespace tl::projections
