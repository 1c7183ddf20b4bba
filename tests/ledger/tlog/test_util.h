// Helpers shared by the tlog tests: hex, the RFC 6962 reference inputs, seeded random entries.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/tlog/hash.h"
#include "ledger/tlog/tiles.h"

namespace tl::tlog::testing {

inline std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

inline Hash HashFromHex(std::string_view hex) {
  const std::string bytes = FromHex(hex);
  REQUIRE(bytes.size() == kHashSize);
  Hash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

// The eight leaf inputs of the Certificate Transparency reference tree (RFC 6962 test data,
// google/certificate-transparency merkle_tree_test.cc, transparency-dev/merkle testonly).
inline std::vector<std::string> ReferenceEntries() {
  return {FromHex(""),
          FromHex("00"),
          FromHex("10"),
          FromHex("2021"),
          FromHex("3031"),
          FromHex("40414243"),
          FromHex("5051525354555657"),
          FromHex("606162636465666768696a6b6c6d6e6f")};
}

// `count` random entries of 1 to 200 bytes.
inline std::vector<std::string> RandomEntries(std::mt19937_64& rng, int64_t count) {
  std::uniform_int_distribution<int> length(1, 200);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::string> entries;
  entries.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    std::string e(static_cast<size_t>(length(rng)), '\0');
    for (char& c : e) c = static_cast<char>(byte(rng));
    entries.push_back(std::move(e));
  }
  return entries;
}

inline std::vector<Hash> LeafHashes(const std::vector<std::string>& entries) {
  std::vector<Hash> hashes;
  hashes.reserve(entries.size());
  for (const std::string& e : entries) hashes.push_back(LeafHash(e));
  return hashes;
}

// A store holding the tiles of a tree with these leaf hashes, appended in one batch.
inline MemoryTileStore StoreOf(const std::vector<Hash>& leaf_hashes) {
  MemoryTileStore store;
  auto writes = AppendLeaves(0, leaf_hashes, store);
  REQUIRE(writes.ok());
  store.Apply(*writes);
  return store;
}

}  // namespace tl::tlog::testing
