#include "bench/ledger_appends.h"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>  // mkdtemp
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "app/command_handler.h"
#include "app/memory_state_source.h"

namespace tl::bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

Result<ScratchFolder> ScratchFolder::Create(const std::string& parent) {
  std::error_code error;
  fs::create_directories(parent, error);
  std::string pattern = (fs::path(parent) / "ticketledger-bench-XXXXXX").string();
  if (error || mkdtemp(pattern.data()) == nullptr) {
    return Status::Unavailable(fmt::format("cannot make a scratch folder in {}: {}", parent,
                                           error ? error.message() : std::strerror(errno)));
  }
  return ScratchFolder(std::move(pattern));
}

ScratchFolder::~ScratchFolder() {
  if (path_.empty()) return;
  std::error_code ignored;  // best effort: nothing to do about a folder that will not go
  fs::remove_all(path_, ignored);
}

// The baseline's threads block in RocksDB's synchronous Put; the ledger's appenders use the
// asynchronous API the server uses, so they need no thread each.
Result<AppendFigures> LedgerAppends(const std::string& dir, int appenders, double seconds,
                                    const ledger::LogOptions::Tuning& tuning,
                                    ledger::LogStats* stats,
                                    std::shared_ptr<privacy::KeyStore> keys, bool sync) {
  using namespace ledger;
  using namespace app;
  LogOptions options;
  options.tuning = tuning;
  options.keys = std::move(keys);
  options.sync = sync;
  auto opened = EventLog::Open(dir, options);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<EventLog> log = std::move(opened).value();
  MemoryStateSource states;
  log->SetCommitListener([&states](const std::vector<Event>& events) { states.Apply(events); });
  CommandHandler handler(*log, states);
  CommandMeta meta{"bench", "bench", std::nullopt, std::nullopt, std::nullopt};
  TL_RETURN_IF_ERROR(handler.Define(DefineQueue{"bench", {"bench"}, false}, meta).status());
  TL_RETURN_IF_ERROR(handler.Define(DefineService{"bench", "Benchmark"}, meta).status());
  std::vector<TicketId> tickets;
  for (int i = 0; i < appenders; ++i) {
    OpenTicket open{"bench", Category::kSupport, "bench, load",
                    "bench", "load@example.org", Channel::kWeb,
                    "bench", std::nullopt,       ""};
    TL_ASSIGN_OR_RETURN(auto opened_ticket, handler.Open(open, meta));
    tickets.push_back(opened_ticket.id);
  }
  const LogStats before = log->Stats();

  const std::string body(150, 'x');
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(seconds));
  AppendFigures figures;
  std::atomic<bool> failed{false};
  const auto start = Clock::now();
  if (appenders == 1) {
    // One appender: each append waits for the previous one, as a single client would.
    while (Clock::now() < deadline) {
      const auto begin = Clock::now();
      if (!handler.Act(tickets[0], Comment{body}, meta).ok()) return Status::Unavailable("failed");
      figures.latencies_us.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
    }
    figures.ops = figures.latencies_us.size();
  } else {
    // N appenders, each with one append in flight at a time, driven asynchronously by one
    // thread per core, as the server's I/O threads drive them: an appender's next append
    // starts when its previous one is acknowledged.
    const unsigned drivers = std::max(1u, std::thread::hardware_concurrency());
    struct Driver {
      std::mutex mu;
      std::condition_variable cv;
      std::vector<int> ready;  // appenders whose previous append has been acknowledged
    };
    std::vector<std::unique_ptr<Driver>> pool;
    for (unsigned d = 0; d < drivers; ++d) pool.push_back(std::make_unique<Driver>());
    std::vector<Clock::time_point> started(appenders);
    for (int a = 0; a < appenders; ++a) pool[a % drivers]->ready.push_back(a);
    std::mutex results_mu;
    std::atomic<int> in_flight{0};
    std::vector<std::thread> threads;
    for (unsigned d = 0; d < drivers; ++d) {
      threads.emplace_back([&, d] {
        Driver& me = *pool[d];
        for (;;) {
          std::vector<int> ready;
          {
            std::unique_lock lock(me.mu);
            me.cv.wait_for(lock, std::chrono::milliseconds(5), [&] { return !me.ready.empty(); });
            ready.swap(me.ready);
          }
          if (Clock::now() >= deadline || failed) {
            if (in_flight == 0) break;
            continue;
          }
          for (int a : ready) {
            started[a] = Clock::now();
            ++in_flight;
            handler.ActAsync(tickets[a], Comment{body}, meta, [&, a, d](Result<CommandResult> r) {
              if (!r.ok()) failed = true;
              const double us =
                  std::chrono::duration<double, std::micro>(Clock::now() - started[a]).count();
              {
                std::lock_guard lock(results_mu);
                figures.latencies_us.push_back(us);
              }
              {
                std::lock_guard lock(pool[d]->mu);
                pool[d]->ready.push_back(a);
              }
              --in_flight;
              pool[d]->cv.notify_one();
            });
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    figures.ops = figures.latencies_us.size();
  }
  figures.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) return Status::Unavailable("a ledger append failed");
  const LogStats after = log->Stats();
  *stats = after.Since(before);
  return figures;
}

}  // namespace tl::bench
