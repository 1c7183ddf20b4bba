// The ledger's append path under load, as `bench append` measures it and `bench seal` compares
// sealed with unsealed (docs/benchmarks.md). Benchmarks only.
#pragma once

#include <algorithm>
#include <boost/json/object.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/privacy/key_store.h"
#include "ledger/store/event_log.h"

namespace tl::bench {

// A fresh folder under the user's --dir for one run's databases, removed with everything in it
// when the run ends, failed or not. The user's folder is created if missing and never emptied:
// `--dir .` must not cost anyone their files.
class ScratchFolder {
 public:
  static Result<ScratchFolder> Create(const std::string& parent);
  ScratchFolder(ScratchFolder&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScratchFolder& operator=(ScratchFolder&&) = delete;
  ~ScratchFolder();
  const std::string& path() const { return path_; }

 private:
  explicit ScratchFolder(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// One measured run: how many operations in how long, and each one's latency.
struct AppendFigures {
  uint64_t ops = 0;
  double seconds = 0;
  std::vector<double> latencies_us;

  double Rate() const { return seconds > 0 ? ops / seconds : 0; }
  double Percentile(double p) {
    if (latencies_us.empty()) return 0;
    std::sort(latencies_us.begin(), latencies_us.end());
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * latencies_us.size()));
    return latencies_us[std::max<size_t>(rank, 1) - 1];
  }
  boost::json::object ToJson() {
    return boost::json::object{{"ops", ops},
                               {"seconds", seconds},
                               {"ops_per_s", Rate()},
                               {"p50_us", Percentile(50)},
                               {"p99_us", Percentile(99)}};
  }
};

// The ledger's append path through the command handler, as the server drives it: every
// appender comments on its own ticket (a ~150-byte body, so the stored event is ~300 bytes),
// `appenders` of them for `seconds`, in a new log in `dir`. With `keys`, the log seals the
// personal fields (the comment's body) as a served ledger does; without, it stores them as they
// are. `sync` false: no fsync per commit (the CPU's share of the path, alone). `*stats`: the
// log's counters over the measured part.
Result<AppendFigures> LedgerAppends(const std::string& dir, int appenders, double seconds,
                                    const ledger::LogOptions::Tuning& tuning,
                                    ledger::LogStats* stats,
                                    std::shared_ptr<privacy::KeyStore> keys = nullptr,
                                    bool sync = true);

}  // namespace tl::bench
