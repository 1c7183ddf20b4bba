#include "tools/generate/generator.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "app/data_keys.h"
#include "ledger/domain/time_format.h"
#include "ledger/store/event_log.h"
#include "tools/generate/batch_writer.h"
#include "tools/generate/calendar.h"
#include "tools/generate/catalogue.h"
#include "tools/generate/command_path.h"
#include "tools/log_access.h"

namespace tl::tools::generate {
namespace {

namespace fs = std::filesystem;

Status CheckEmptyFolder(const std::string& dir) {
  std::error_code error;
  if (!fs::exists(dir, error)) return Status::Ok();
  if (!fs::is_directory(dir, error)) {
    return Status::BadField(fmt::format("{} exists and is not a folder", dir));
  }
  if (!fs::is_empty(dir, error) || error) {
    return Status::BadField(fmt::format(
        "{} is not empty: generate writes only into a new or empty folder, so that it never "
        "mixes with another history",
        dir));
  }
  return Status::Ok();
}

Status SyncFile(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable(fmt::format("cannot open {} to sync it", path.string()));
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return Status::Unavailable(fmt::format("fsync of {} failed", path.string()));
  return Status::Ok();
}

// The log is written without a sync per commit (see Generate); this makes the finished
// history durable in one sweep: every file of the closed database, then the folder itself.
Status SyncFolder(const std::string& dir) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file()) TL_RETURN_IF_ERROR(SyncFile(entry.path(), O_RDONLY));
  }
  if (error) return Status::Unavailable(fmt::format("cannot list {}: {}", dir, error.message()));
  return SyncFile(dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace

Result<GenerateSummary> Generate(const GenerateOptions& options,
                                 const std::function<void(uint64_t)>& progress) {
  TL_RETURN_IF_ERROR(CheckEmptyFolder(options.data));
  std::error_code error;
  fs::create_directories(options.data, error);
  if (error) {
    return Status::Unavailable(fmt::format("cannot create {}: {}", options.data, error.message()));
  }

  SimulationOptions simulation;
  simulation.inquiries = options.inquiries;
  simulation.seed = options.seed;
  simulation.end = options.end;
  simulation.start = options.end - options.days * kDay;
  const int64_t working_days =
      std::max<int64_t>(1, WorkingDaysBetween(simulation.start, simulation.end));
  const Catalogue catalogue(static_cast<double>(options.inquiries) / working_days);

  GenerateSummary summary;
  {
    // recorded_at follows the simulated time (BatchWriter sets this clock per group).
    std::atomic<ledger::TimeNs> clock{simulation.start};
    ledger::LogOptions log_options;
    log_options.clock = [&clock] { return clock.load(); };
    // No fsync per commit: a generated history has no client waiting for an acknowledgement,
    // and a crash midway leaves a prefix to throw away, not a promise broken. SyncFolder makes
    // the whole history durable once, at the end. (This is most of the speed at 500 k tickets.)
    log_options.sync = false;
    // A generated history is sealed like a live one (docs/privacy.md).
    if (options.seal) {
      auto keys = app::OpenDataKeys(options.data, options.master_key, /*create=*/true);
      if (!keys.ok()) return keys.status();
      log_options.keys = std::move(keys).value();
    }
    auto opened = ledger::EventLog::Open(options.data, log_options);
    if (!opened.ok()) return opened.status();
    std::unique_ptr<ledger::EventLog> log = std::move(opened).value();

    Status run, finished;
    uint64_t commands = 0;
    {
      BatchWriter writer(*log, clock);
      CommandPath path(options.seed, writer);
      Simulator simulator(simulation, catalogue, path, progress);
      run = simulator.Run();
      finished = writer.Finish();
      summary.totals = simulator.totals();
      summary.tickets = path.last_ticket().value();
      summary.events = path.events();
      commands = path.commands();
    }
    // The writer's error is the cause when both failed (the simulation stopped on it).
    TL_RETURN_IF_ERROR(finished);
    TL_RETURN_IF_ERROR(run);
    const ledger::LogHead head = log->Head();
    if (head.seq.value() != summary.events || head.last_ticket.value() != summary.tickets ||
        log->Stats().appends != commands) {
      return Status::Internal(fmt::format(
          "generator bug: the log holds {} events and {} tickets, the simulation made {} and {}",
          head.seq, head.last_ticket, summary.events, summary.tickets));
    }
    summary.head = head.hash;
  }  // the log is closed here
  const auto sync_start = std::chrono::steady_clock::now();
  TL_RETURN_IF_ERROR(SyncFolder(options.data));
  summary.sync_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sync_start).count();
  return summary;
}

Status GenerateUnlessPresent(const std::string& dir, uint64_t inquiries, uint64_t seed,
                             const std::function<void(uint64_t arrived)>& progress, bool seal) {
  if (MayHoldLedger(dir)) return Status::Ok();
  GenerateOptions options;
  options.seal = seal;
  options.data = dir;
  options.inquiries = inquiries;
  options.seed = seed;
  options.days = 400;
  TL_ASSIGN_OR_RETURN(options.end, ledger::ParseRfc3339("2026-11-02T00:00:00Z"));
  return Generate(options, progress).status();
}

}  // namespace tl::tools::generate
