// A progress bar on stderr for long tool runs: done/total, percent, rate and ETA. Redraws at
// most ten times a second and only when stderr is a terminal (or when forced), so logs and
// CI output stay readable; Finish() prints one summary line either way.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tl::tools {

class Progress {
 public:
  // `unit` names what is counted ("events", "rows", "tickets").
  Progress(std::string label, std::string unit, uint64_t total);
  void Update(uint64_t done);
  void SetTotal(uint64_t total) { total_ = total; }
  // Prints the final line: count, seconds, rate.
  void Finish(uint64_t done);
  double Seconds() const;

 private:
  std::string label_, unit_;
  uint64_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace tl::tools
