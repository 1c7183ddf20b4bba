// tlog_bench: times the tiled tree on an in-memory store (MemoryTileStore) and reports the
// storage it takes. Not a test: it asserts nothing about time, it prints figures.
//
//   tlog_bench [--leaves N] [--queries Q] [--chunk K]
//
// Builds a tree of N leaves (default 2,000,000) by AppendLeaves in chunks of K (default 1000),
// appends 10,000 more one at a time, then times Q (default 10,000) inclusion and consistency
// proofs at random indexes and sizes and their verification, counting the tiles read.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "ledger/tlog/merkle.h"
#include "ledger/tlog/tiles.h"

namespace {

using namespace tl::tlog;
using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// Counts the reads that reach the store.
class CountingReader final : public TileReader {
 public:
  explicit CountingReader(const TileReader& base) : base_(base) {}
  tl::Result<std::string> ReadTile(int level, int64_t index) const override {
    ++reads_;
    return base_.ReadTile(level, index);
  }
  int64_t reads() const { return reads_; }

 private:
  const TileReader& base_;
  mutable int64_t reads_ = 0;
};

struct Stats {
  double mean_us = 0;
  double max_us = 0;
  double p99_us = 0;
};

Stats Summarize(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  Stats s;
  for (double u : us) s.mean_us += u;
  s.mean_us /= static_cast<double>(us.size());
  s.max_us = us.back();
  s.p99_us = us[us.size() * 99 / 100];
  return s;
}

void Die(const tl::Status& status) {
  std::fprintf(stderr, "tlog_bench: %s\n", std::string(status.message()).c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t leaves = 2'000'000;
  int queries = 10'000;
  int64_t chunk = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--leaves") leaves = std::stoll(argv[i + 1]);
    if (arg == "--queries") queries = std::stoi(argv[i + 1]);
    if (arg == "--chunk") chunk = std::stoll(argv[i + 1]);
  }
  constexpr int64_t kSingles = 10'000;
  std::printf("tlog_bench: %lld leaves in chunks of %lld, then %lld single appends\n",
              static_cast<long long>(leaves), static_cast<long long>(chunk),
              static_cast<long long>(kSingles));

  auto t0 = Clock::now();
  std::vector<Hash> leaf_hashes;
  leaf_hashes.reserve(static_cast<size_t>(leaves + kSingles));
  for (int64_t i = 0; i < leaves + kSingles; ++i) {
    leaf_hashes.push_back(LeafHash("event " + std::to_string(i + 1)));
  }
  auto t1 = Clock::now();
  std::printf("leaf hashes:        %8.3f s (%.2f us per leaf)\n", Micros(t1 - t0) / 1e6,
              Micros(t1 - t0) / static_cast<double>(leaves + kSingles));

  MemoryTileStore store;
  for (int64_t done = 0; done < leaves;) {
    const int64_t k = std::min(chunk, leaves - done);
    auto writes = AppendLeaves(done, std::span(leaf_hashes).subspan(done, k), store);
    if (!writes.ok()) Die(writes.status());
    store.Apply(*writes);
    done += k;
  }
  auto t2 = Clock::now();
  std::printf("AppendLeaves:       %8.3f s (%.2f us per leaf, chunks of %lld)\n",
              Micros(t2 - t1) / 1e6, Micros(t2 - t1) / static_cast<double>(leaves),
              static_cast<long long>(chunk));
  std::printf("tiles at %lld:   %zu tiles, %lld bytes, %.3f bytes per leaf\n",
              static_cast<long long>(leaves), store.TileCount(),
              static_cast<long long>(store.StoredBytes()),
              static_cast<double>(store.StoredBytes()) / static_cast<double>(leaves));

  int64_t written = 0;
  std::vector<double> single_us;
  for (int64_t i = leaves; i < leaves + kSingles; ++i) {
    const auto s = Clock::now();
    auto writes = AppendLeaves(i, std::span(&leaf_hashes[static_cast<size_t>(i)], 1), store);
    if (!writes.ok()) Die(writes.status());
    auto root = TreeRoot(i + 1, TileOverlay(*writes, store));
    if (!root.ok()) Die(root.status());
    single_us.push_back(Micros(Clock::now() - s));
    for (const TileWrite& w : *writes) written += static_cast<int64_t>(w.hashes.size());
    store.Apply(*writes);
  }
  const int64_t size = leaves + kSingles;
  const Stats single = Summarize(single_us);
  std::printf(
      "append 1 leaf + new root: mean %.1f us, p99 %.1f us; %.0f tile bytes written "
      "per append (full contents)\n",
      single.mean_us, single.p99_us, static_cast<double>(written) / static_cast<double>(kSingles));

  std::mt19937_64 rng(2026);
  auto root = TreeRoot(size, store);
  if (!root.ok()) Die(root.status());
  std::vector<double> prove_us, verify_us;
  CountingReader counting(store);
  for (int q = 0; q < queries; ++q) {
    const int64_t index = static_cast<int64_t>(rng() % static_cast<uint64_t>(size));
    const auto s = Clock::now();
    auto proof = InclusionProof(index, size, counting);
    const auto e = Clock::now();
    if (!proof.ok()) Die(proof.status());
    prove_us.push_back(Micros(e - s));
    const auto v = Clock::now();
    if (!VerifyInclusion(leaf_hashes[static_cast<size_t>(index)], index, size, *proof, *root)
             .ok()) {
      Die(tl::Status::Internal("an inclusion proof did not verify"));
    }
    verify_us.push_back(Micros(Clock::now() - v));
  }
  Stats p = Summarize(prove_us), v = Summarize(verify_us);
  std::printf(
      "inclusion proof at %lld: mean %.1f us, p99 %.1f us, max %.1f us; "
      "%.2f tile reads each; verify mean %.1f us\n",
      static_cast<long long>(size), p.mean_us, p.p99_us, p.max_us,
      static_cast<double>(counting.reads()) / queries, v.mean_us);

  CountingReader counting2(store);
  prove_us.clear();
  verify_us.clear();
  for (int q = 0; q < queries; ++q) {
    const int64_t old_size = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(size));
    const auto s = Clock::now();
    auto proof = ConsistencyProof(old_size, size, counting2);
    const auto e = Clock::now();
    if (!proof.ok()) Die(proof.status());
    prove_us.push_back(Micros(e - s));
    auto old_root = TreeRoot(old_size, store);
    if (!old_root.ok()) Die(old_root.status());
    const auto vs = Clock::now();
    if (!VerifyConsistency(old_size, size, *old_root, *root, *proof).ok()) {
      Die(tl::Status::Internal("a consistency proof did not verify"));
    }
    verify_us.push_back(Micros(Clock::now() - vs));
  }
  p = Summarize(prove_us);
  v = Summarize(verify_us);
  std::printf(
      "consistency proof to %lld from a random size: mean %.1f us, p99 %.1f us, "
      "max %.1f us; %.2f tile reads each; verify mean %.1f us\n",
      static_cast<long long>(size), p.mean_us, p.p99_us, p.max_us,
      static_cast<double>(counting2.reads()) / queries, v.mean_us);

  std::vector<double> root_us;
  for (int q = 0; q < 1000; ++q) {
    const int64_t at = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(size));
    const auto s = Clock::now();
    auto r = TreeRoot(at, store);
    root_us.push_back(Micros(Clock::now() - s));
    if (!r.ok()) Die(r.status());
  }
  const Stats r = Summarize(root_us);
  std::printf("TreeRoot at a random size: mean %.1f us, p99 %.1f us\n", r.mean_us, r.p99_us);
  return 0;
}
