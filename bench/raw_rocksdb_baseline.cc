#include "bench/raw_rocksdb_baseline.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <fmt/format.h>
#include <kj/exception.h>
#include <rocksdb/db.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "ledger/store/schema/events.capnp.h"

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
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(seconds));
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
        latencies.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
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

Result<RawScanResult> RunRawScanDecode(const std::string& dir) {
  rocksdb::DBOptions options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  std::vector<std::string> names;
  if (auto s = rocksdb::DB::ListColumnFamilies(options, dir, &names); !s.ok()) {
    return Status::Unavailable(fmt::format("listing column families of {}: {}", dir, s.ToString()));
  }
  for (const std::string& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (auto s = rocksdb::DB::OpenForReadOnly(options, dir, families, &handles, &raw); !s.ok()) {
    return Status::Unavailable(fmt::format("opening {}: {}", dir, s.ToString()));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* events = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "events") events = handles[i];
  }
  auto release = [&] {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  };
  if (events == nullptr) {
    release();
    return Status::NotFound(fmt::format("{} has no events column family", dir));
  }

  RawScanResult result;
  const auto start = std::chrono::steady_clock::now();
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, events));
  std::vector<capnp::word> aligned;
  try {
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const rocksdb::Slice value = it->value();
      aligned.resize((value.size() + 7) / 8);
      std::memcpy(aligned.data(), value.data(), value.size());
      capnp::FlatArrayMessageReader message(kj::arrayPtr(aligned.data(), aligned.size()));
      auto event = message.getRoot<schema::Event>();
      result.checksum += event.getSeq() ^ static_cast<uint64_t>(event.getOccurredAt()) ^
                         static_cast<uint64_t>(event.getRecordedAt()) ^ event.getVersion() ^
                         event.getActor().size() ^ event.getRecordedBy().size() ^
                         static_cast<uint64_t>(event.getPayload().which());
      ++result.events;
      result.bytes += value.size();
    }
  } catch (const kj::Exception& e) {
    it.reset();
    release();
    return Status::DataLoss(
        fmt::format("decoding event {}: {}", result.events + 1, e.getDescription().cStr()));
  }
  const bool iterated = it->status().ok();
  it.reset();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  release();
  if (!iterated) return Status::Unavailable(fmt::format("scanning {}", dir));
  return result;
}

}  // namespace tl::ledger
