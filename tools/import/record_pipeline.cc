#include "tools/import/record_pipeline.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace tl::tools::import {
namespace {

constexpr size_t kBatchRecords = 1024;
constexpr size_t kMaxBatchesInFlight = 4;

// Copies of records: their values back to back in one buffer.
struct Batch {
  struct Item {
    uint64_t ordinal;
    uint64_t schema;
    std::shared_ptr<const std::vector<std::string>> names;
    size_t first_value;  // index into ends
    size_t value_count;
    std::string malformed;
  };
  std::string bytes;
  std::vector<size_t> ends;  // where each value ends in `bytes`
  std::vector<Item> items;
  uint64_t input_position = 0;
};

class Channel {
 public:
  // Blocks while the channel is full; false when the consumer has stopped.
  bool Push(std::unique_ptr<Batch> batch) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return stopped_ || batches_.size() < kMaxBatchesInFlight; });
    if (stopped_) return false;
    batches_.push_back(std::move(batch));
    not_empty_.notify_one();
    return true;
  }
  // Null when the producer has finished and everything was taken.
  std::unique_ptr<Batch> Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return finished_ || !batches_.empty(); });
    if (batches_.empty()) return nullptr;
    auto batch = std::move(batches_.front());
    batches_.pop_front();
    not_full_.notify_one();
    return batch;
  }
  void Finish() {
    std::lock_guard lock(mu_);
    finished_ = true;
    not_empty_.notify_one();
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    not_full_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::unique_ptr<Batch>> batches_;
  bool finished_ = false;  // the producer will push no more
  bool stopped_ = false;   // the consumer takes no more
};

}  // namespace

Status ReadConcurrently(const RecordReader& read, const std::function<uint64_t()>& position,
                        const RecordSink& sink) {
  Channel channel;
  Status read_status;
  std::thread reader([&] {
    auto batch = std::make_unique<Batch>();
    uint64_t names_schema = 0;
    std::shared_ptr<const std::vector<std::string>> names;
    bool stopped = false;
    auto flush = [&] {
      if (batch->items.empty()) return true;
      batch->input_position = position();
      if (!channel.Push(std::move(batch))) return false;
      batch = std::make_unique<Batch>();
      return true;
    };
    read_status = read([&](const Record& r) -> Status {
      if (!names || r.schema != names_schema) {
        names = std::make_shared<const std::vector<std::string>>(*r.names);
        names_schema = r.schema;
      }
      batch->items.push_back(Batch::Item{r.ordinal, r.schema, names, batch->ends.size(),
                                         r.values.size(), r.malformed});
      for (std::string_view v : r.values) {
        batch->bytes.append(v);
        batch->ends.push_back(batch->bytes.size());
      }
      if (batch->items.size() >= kBatchRecords && !flush()) {
        stopped = true;
        return Status::Unavailable("stopped");  // the consumer's error is the one reported
      }
      return Status::Ok();
    });
    if (!stopped) flush();
    channel.Finish();
  });

  Status sink_status;
  Record record;
  while (auto batch = channel.Pop()) {
    if (!sink_status.ok()) continue;  // drain, so the reader never blocks on a full channel
    for (const Batch::Item& item : batch->items) {
      record.ordinal = item.ordinal;
      record.schema = item.schema;
      record.names = item.names.get();
      record.malformed = item.malformed;
      record.input_position = batch->input_position;
      record.values.clear();
      for (size_t i = item.first_value; i < item.first_value + item.value_count; ++i) {
        const size_t begin = i == 0 ? 0 : batch->ends[i - 1];
        record.values.emplace_back(batch->bytes.data() + begin, batch->ends[i] - begin);
      }
      sink_status = sink(record);
      if (!sink_status.ok()) {
        channel.Stop();
        break;
      }
    }
  }
  reader.join();
  if (!sink_status.ok()) return sink_status;
  return read_status;
}

}  // namespace tl::tools::import
