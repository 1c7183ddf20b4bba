// What the HTTP benchmarks share (bench http, bench proofs): a quick bulk history, the bare
// handler that is their baseline, and an in-tree keep-alive load client on loopback with its
// figures. Benchmarks only (docs/benchmarks.md): the product links none of it.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ledger/domain/result.h"
#include "server/route_table.h"
#include "server/stack.h"

namespace tl::bench {

// Writes (unless `dir` holds it already) a history of exactly `tickets` tickets with reference
// data over the 400 days before 2027: each opened (and acknowledged in Orakel), most replied to,
// many resolved, some stalled, about 3.55 events per ticket. Bulk appends, no rules (the
// history is made consistent with them by construction). kBadField if `dir` holds another log.
Status EnsureBulkHistory(const std::string& dir, uint64_t tickets, bool quiet);
// Its events per ticket (the expectation of the tickets' fates) and its reference events, for
// a caller that asks for a number of events.
inline constexpr double kBulkEventsPerTicket = 3.55;
inline constexpr uint64_t kBulkReferenceEvents = 12;

// The baseline's handler: {"ok":true,"pad":"xxx..."}, 200 bytes, the size of a small JSON
// answer, without touching anything. Served as GET /bench/bare by the benchmarks' server only.
server::Response BenchBare(const server::Request&);

// Waits until the stack's background integrity walk over the whole log is done (app/
// ledger_integrity.h, docs/operations.md "Integrity at start"): on 2 M events it takes a core
// for tens of seconds, so a benchmark measures the server in its steady state after it.
// Returns the seconds waited; kDataLoss if the walk found damage.
Result<double> WaitForIntegrityWalk(server::Stack& stack);

// One measured run of one scenario.
struct Figures {
  uint64_t ok = 0;      // 2xx answers
  uint64_t errors = 0;  // other answers or failed connections
  double seconds = 0;
  std::vector<double> latencies_us;
  std::map<int, uint64_t> statuses;

  double Rate() const { return seconds > 0 ? ok / seconds : 0; }
  double Percentile(double p) const;
  // ok, errors, seconds, req_per_s, p50_ms, p99_ms, statuses.
  boost::json::object ToJson() const;
};

// The run of median rate among `runs` (the machine is shared: one slow run says little).
Figures Median(std::vector<Figures> runs);

// Makes the raw bytes of request number `i` on connection `conn`.
using RequestMaker = std::function<std::string(int conn, uint64_t i)>;

// `connections` keep-alive connections to 127.0.0.1:`port`, each sending its next request as
// soon as the previous answer is in (closed loop), for `seconds` after `warmup` seconds. One
// client thread.
Figures RunLoad(uint16_t port, int connections, double seconds, double warmup, RequestMaker make);

// A request's raw bytes, with a bearer token.
std::string Get(const std::string& target, const std::string& token);
std::string Post(const std::string& target, const std::string& token, const std::string& body);

}  // namespace tl::bench
