// ChunkedVector: indexing across chunk boundaries, growth that never moves an element.
#include "projections/chunked_vector.h"

#include <catch2/catch.hpp>
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
