#include "server/process_metrics.h"

#include <fmt/format.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

namespace tl::server {

namespace {

std::optional<std::string> ReadFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fields of /proc/self/stat after the command name (which may hold spaces and parentheses,
// so the split starts after its last ')'); fields()[0] is the state, field 3 in proc(5).
std::vector<std::string> StatFields() {
  const auto stat = ReadFile("/proc/self/stat");
  if (!stat) return {};
  const size_t close = stat->rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(stat->substr(close + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// The boot time in seconds since the epoch: the realtime clock less the time since boot. Not
// /proc/stat's `btime`: the systemd unit's ProcSubset=pid (deploy/systemd) hides /proc/stat, and
// the start time must survive that (the restart-loop alert reads it).
std::optional<double> BootTime() {
  timespec now{}, since_boot{};
  if (clock_gettime(CLOCK_REALTIME, &now) != 0 || clock_gettime(CLOCK_BOOTTIME, &since_boot) != 0) {
    return std::nullopt;
  }
  return static_cast<double>(now.tv_sec - since_boot.tv_sec) +
         static_cast<double>(now.tv_nsec - since_boot.tv_nsec) / 1e9;
}

// The soft limit of open files from /proc/self/limits.
std::optional<double> MaxFds() {
  const auto limits = ReadFile("/proc/self/limits");
  if (!limits) return std::nullopt;
  std::istringstream lines(*limits);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream values(line.substr(std::string_view("Max open files").size()));
    std::string soft;
    values >> soft;
    if (soft == "unlimited") return std::nullopt;
    return std::stod(soft);
  }
  return std::nullopt;
}

void Gauge(std::string* out, std::string_view family, std::string_view help, std::string_view type,
           double value) {
  fmt::format_to(std::back_inserter(*out), "# HELP {} {}\n# TYPE {} {}\n{} {}\n", family, help,
                 family, type, family, value);
}

}  // namespace

void WriteProcessMetrics(std::string* out) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // proc(5): utime (14), stime (15), starttime (22), vsize (23), rss (24); fields_[0] is field 3.
  const std::vector<std::string> f = StatFields();
  if (f.size() > 21 && ticks > 0) {
    Gauge(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
          "counter", (std::stod(f[11]) + std::stod(f[12])) / ticks);
    Gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge",
          std::stod(f[20]));
    Gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
          std::stod(f[21]) * page);
    if (const auto boot = BootTime()) {
      Gauge(out, "process_start_time_seconds",
            "Start time of the process since unix epoch in seconds.", "gauge",
            *boot + std::stod(f[19]) / ticks);
    }
  }
  std::error_code ec;
  double fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  if (!ec) Gauge(out, "process_open_fds", "Number of open file descriptors.", "gauge", fds);
  if (const auto max = MaxFds()) {
    Gauge(out, "process_max_fds", "Maximum number of open file descriptors.", "gauge", *max);
  }
}

}  // namespace tl::server
