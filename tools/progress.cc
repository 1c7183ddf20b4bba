#include "tools/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace tl::tools {

Progress::Progress(std::string label, std::string unit, uint64_t total)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

double Progress::Seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::Update(uint64_t done) {
  if (!tty_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = Seconds();
  const double rate = seconds > 0 ? done / seconds : 0;
  constexpr int kWidth = 30;
  const double fraction = total_ ? std::min(1.0, static_cast<double>(done) / total_) : 0;
  const int filled = static_cast<int>(fraction * kWidth);
  const double eta = rate > 0 && total_ > done ? (total_ - done) / rate : 0;
  fmt::print(stderr, "\r{} [{}{}] {}/{} {} {:.0f}% {:.0f} {}/s ETA {:.0f}s   ", label_,
             std::string(filled, '#'), std::string(kWidth - filled, '.'), done, total_, unit_,
             fraction * 100, rate, unit_, eta);
  std::fflush(stderr);
}

void Progress::Finish(uint64_t done) {
  const double seconds = Seconds();
  fmt::print(stderr, "{}{}: {} {} in {:.2f} s ({:.0f} {}/s)\n", tty_ ? "\r\033[K" : "", label_,
             done, unit_, seconds, seconds > 0 ? done / seconds : 0.0, unit_);
}

}  // namespace tl::tools
