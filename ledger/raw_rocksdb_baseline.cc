#include "ledger/raw_rocksdb_baseline.h"

#include <fmt/format.h>
#include <rocksdb/db.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

namespace tl::ledger {

Result<RawPutResult> RunRawSyncPuts(const std::string& dir, int threads, double seconds,
                                    size_t value_bytes) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  std::unique_ptr<rocksdb::DB> db(raw);
  if (!s.ok()) return Status::Unavailable(fmt::format("opening {}: {}", dir, s.ToString()));

  using Clock = std::chrono::steady_clock;
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::mutex mu;
  RawPutResult result;
  std::atomic<bool> failed{false};
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      rocksdb::WriteOptions write;
      write.sync = true;
      const std::string value(value_bytes, static_cast<char>('a' + t % 26));
      std::vector<double> latencies;
      for (uint64_t i = 0; Clock::now() < deadline; ++i) {
        const std::string key = fmt::format("{:04}:{:012}", t, i);
        const auto begin = Clock::now();
        if (!db->Put(write, key, value).ok()) {
          failed = true;
          return;
        }
        latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
      }
      std::lock_guard lock(mu);
      result.ops += latencies.size();
      result.latencies_us.insert(result.latencies_us.end(), latencies.begin(), latencies.end());
    });
  }
  for (auto& w : workers) w.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) return Status::Unavailable("a baseline Put failed");
  db->Close().PermitUncheckedError();
  return result;
}

}  // namespace tl::ledger
