// Operations endpoints: liveness, readiness, metrics, and the benchmark's bare handler.
#include <boost/json/object.hpp>

#include "server/handlers.h"

namespace tl::server {

namespace json = boost::json;

namespace {

uint64_t Lag(ServerContext& ctx) {
  // Read the applied seq first: the head only grows, so the lag is never negative.
  const ledger::Seq applied = ctx.projections.applied_seq();
  const ledger::Seq head = ctx.log.Head().seq;
  return head > applied ? head - applied : 0;
}

}  // namespace

Response Healthz(ServerContext&) { return JsonResponse(200, json::object{{"status", "ok"}}); }

Response Readyz(ServerContext& ctx) {
  const ledger::Seq applied = ctx.projections.applied_seq();
  const uint64_t lag = Lag(ctx);
  const bool ready = lag <= ctx.ready_max_lag;
  return JsonResponse(ready ? 200 : 503, json::object{{"ready", ready},
                                                      {"applied_seq", applied},
                                                      {"lag", lag}});
}

Response Metrics(ServerContext& ctx) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body.reserve(16 * 1024);
  ctx.metrics.Write(Lag(ctx), &r.body);
  ctx.projections.WriteMetrics(&r.body);
  return r;
}

Response BenchBare() {
  static const std::string kBody = [] {
    // {"ok":true,"pad":"xxx..."}: 200 bytes, the size of a small JSON answer.
    std::string body = "{\"ok\":true,\"pad\":\"";
    body.append(200 - body.size() - 2, 'x');
    body += "\"}";
    return body;
  }();
  Response r;
  r.body = kBody;
  return r;
}

}  // namespace tl::server
