#include "tools/import/record_pipeline.h"

#include <memory>
#include <thread>

#include "ledger/domain/bounded_queue.h"

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

}  // namespace

Status ReadConcurrently(const RecordReader& read, const std::function<uint64_t()>& position,
                        const RecordSink& sink) {
  // The consumer closes it when it stops early (a refused push ends the reading), the
  // producer when the input is read.
  BoundedQueue<std::unique_ptr<Batch>> channel(kMaxBatchesInFlight);
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
    channel.Close();
  });

  Status sink_status;
  Record record;
  while (auto batch = channel.Pop()) {
    if (!sink_status.ok()) continue;  // drain what the reader pushed before the close
    for (const Batch::Item& item : (*batch)->items) {
      record.ordinal = item.ordinal;
      record.schema = item.schema;
      record.names = item.names.get();
      record.malformed = item.malformed;
      record.input_position = (*batch)->input_position;
      record.values.clear();
      for (size_t i = item.first_value; i < item.first_value + item.value_count; ++i) {
        const size_t begin = i == 0 ? 0 : (*batch)->ends[i - 1];
        record.values.emplace_back((*batch)->bytes.data() + begin, (*batch)->ends[i] - begin);
      }
      sink_status = sink(record);
      if (!sink_status.ok()) {
        channel.Close();
        break;
      }
    }
  }
  reader.join();
  if (!sink_status.ok()) return sink_status;
  return read_status;
}

}  // namespace tl::tools::import
