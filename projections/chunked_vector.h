// ChunkedVector: a growable array in fixed chunks of kChunk elements, for the projections'
// per-ticket states. Growing never moves an element (a vector's doubling would copy hundreds
// of megabytes and keep up to twice the memory), and, unlike std::deque, whose blocks hold a
// single element as large as a ticket's state, it costs one allocation per kChunk elements
// instead of one each: no allocator header and no block pointer per ticket (24 bytes of about
// a thousand). A chunk as large as a huge page gets one (chunk_memory.h). Elements are
// constructed as the vector reaches them, not a chunk at a time: a new ticket's state is then
// written just before the event that opens it reads it (perf: constructing whole 2 MiB chunks
// was 8 % of the fold, and the states it made were cold again by their first use). (Preparing
// the next chunk on a helper thread was measured and dropped: docs/benchmarks.md.)
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
  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector&) = delete;
  ChunkedVector& operator=(const ChunkedVector&) = delete;
  ChunkedVector(ChunkedVector&& other) noexcept
      : chunks_(std::move(other.chunks_)), size_(std::exchange(other.size_, 0)) {}
  ChunkedVector& operator=(ChunkedVector&& other) noexcept {
    if (this != &other) {
      clear();
      chunks_ = std::move(other.chunks_);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  ~ChunkedVector() { clear(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  T& back() { return (*this)[size_ - 1]; }

  // Grows to at least n elements, the new ones default-constructed; never shrinks.
  void grow_to(size_t n) {
    if (n <= size_) return;
    while (chunks_.size() * kChunk < n) chunks_.emplace_back();
    for (; size_ < n; ++size_) std::construct_at(&(*this)[size_]);  // value-initialised
  }
  void push_back(T value) {
    grow_to(size_ + 1);
    back() = std::move(value);
  }
  void clear() {
    for (size_t i = 0; i < size_; ++i) std::destroy_at(&(*this)[i]);
    chunks_.clear();
    size_ = 0;
  }

 private:
  // Memory for kChunk elements of its own (chunk_memory.h: huge pages for large chunks); the
  // vector constructs and destroys the elements in it.
  class Chunk {
   public:
    Chunk() : memory_(sizeof(T) * kChunk) {}

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
