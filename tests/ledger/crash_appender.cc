// A child process for the crash-durability test: opens the log in argv[1] and appends from
// argv[2] threads until killed, with the write path's tunings unless argv[3] is "plain", printing
// one line per acknowledged append:
//   <seq> <event id>
// A line is written only after Append returned OK, i.e. after the commit was synced: every
// printed line is a promise the log must keep after SIGKILL.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "ledger/store/event_log.h"

using namespace tl::ledger;

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  LogOptions options;
  if (std::string(argv[3]) == "plain") options.tuning = LogOptions::Tuning::Plain();
  auto opened = EventLog::Open(argv[1], options);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<EventLog> log = std::move(opened).value();
  const int threads = std::stoi(argv[2]);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&log, t] {
      AppendRequest open;
      open.parts.push_back(
          StreamAppend{StreamId::NewTicket(),
                       std::nullopt,
                       {EventDraft{EventId::Random(), 0, "crash", "crash",
                                   TicketOpened{"s", Category::kSupport, "d", "q", "r",
                                                Channel::kWeb, "", TicketId{}, ""}}}});
      auto ticket = log->Append(open);
      if (!ticket.ok()) return;
      for (int i = 0;; ++i) {
        AppendRequest r;
        EventId id = EventId::Random();
        // Varying sizes so that batches straddle WAL block boundaries.
        r.parts.push_back(
            StreamAppend{ticket->stream,
                         std::nullopt,
                         {EventDraft{id, 0, "crash", "crash",
                                     Commented{std::string(20 + (i * 37 + t) % 900, 'c')}}}});
        auto result = log->Append(r);
        if (!result.ok()) return;
        std::string line = std::to_string(result->first_seq.value()) + " " + id.ToString() + "\n";
        // One write per line: atomic on a pipe (< PIPE_BUF), so lines never interleave.
        if (write(1, line.data(), line.size()) < 0) return;
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
