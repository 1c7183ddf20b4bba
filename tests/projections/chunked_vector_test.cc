// ChunkedVector: indexing across chunk boundaries, growth that never moves an element.
#include "projections/chunked_vector.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

using tl::projections::ChunkedVector;

TEST_CASE("a chunked vector grows by chunks and keeps its elements in place", "[chunked]") {
  ChunkedVector<std::string, 4> v;
  CHECK(v.empty());
  v.grow_to(3);
  CHECK(v.size() == 3);
  CHECK(v[2].empty());  // default-constructed
  v[0] = "first";
  const std::string* first = &v[0];
  for (int i = 0; i < 10; ++i) v.push_back("n" + std::to_string(i));
  CHECK(v.size() == 13);
  CHECK(&v[0] == first);  // growing did not move it
  CHECK(v[0] == "first");
  CHECK(v[3] == "n0");  // the last slot of the first chunk
  CHECK(v[4] == "n1");  // the first of the second
  CHECK(v.back() == "n9");
  v.grow_to(2);  // never shrinks
  CHECK(v.size() == 13);
  v.grow_to(20);
  CHECK(v.size() == 20);
  CHECK(v[19].empty());
  v.clear();
  CHECK(v.empty());
}

TEST_CASE("a chunk of a huge page's size is mapped on its own, aligned to the page", "[chunked]") {
  using tl::projections::ChunkMemory;
  using tl::projections::kHugePageBytes;
  ChunkMemory large(kHugePageBytes - 64);
  REQUIRE(large.mapped());
  CHECK(reinterpret_cast<uintptr_t>(large.data()) % kHugePageBytes == 0);
  static_cast<char*>(large.data())[kHugePageBytes - 65] = 'x';  // the whole size is writable
  ChunkMemory moved = std::move(large);
  CHECK(moved.mapped());
  CHECK(static_cast<char*>(moved.data())[kHugePageBytes - 65] == 'x');
  CHECK(large.data() == nullptr);

  ChunkMemory small(4096);
  CHECK_FALSE(small.mapped());
  CHECK(small.data() != nullptr);
}

TEST_CASE("a chunked vector with huge-page chunks constructs, indexes and destroys its elements",
          "[chunked]") {
  constexpr size_t kPerChunk = tl::projections::kHugePageBytes / sizeof(std::string);
  ChunkedVector<std::string, kPerChunk> v;
  v.grow_to(kPerChunk + 2);
  CHECK(v[kPerChunk + 1].empty());
  for (size_t i = kPerChunk - 2; i < kPerChunk + 2; ++i) v[i] = std::string(40, 'a' + i % 26);
  CHECK(v[kPerChunk - 1] == std::string(40, 'a' + (kPerChunk - 1) % 26));
  CHECK(v[kPerChunk] == std::string(40, 'a' + kPerChunk % 26));
}

namespace {
struct Counted {
  static inline int live = 0;
  Counted() { ++live; }
  ~Counted() { --live; }
  Counted(const Counted&) = delete;
};
}  // namespace

TEST_CASE("a chunked vector constructs the elements it reaches and destroys each once",
          "[chunked]") {
  {
    ChunkedVector<Counted, 8> v;
    v.grow_to(10);
    CHECK(Counted::live == 10);  // not the 16 of two whole chunks
    v.grow_to(9);
    CHECK(Counted::live == 10);
    ChunkedVector<Counted, 8> moved = std::move(v);
    CHECK(Counted::live == 10);
    CHECK(moved.size() == 10);
    CHECK(v.size() == 0);
    v = std::move(moved);
    CHECK(v.size() == 10);
    v.grow_to(17);
    CHECK(Counted::live == 17);
    v.clear();
    CHECK(Counted::live == 0);
    v.grow_to(3);
  }
  CHECK(Counted::live == 0);  // the destructor destroyed the last three
}
