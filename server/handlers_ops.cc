// Operations endpoints: liveness, readiness, metrics; and the dashboard page's files.
#include <boost/json/object.hpp>

#include "server/handlers.h"

namespace tl::server {

namespace json = boost::json;

Response Healthz(const Request&) { return JsonResponse(200, json::object{{"status", "ok"}}); }

Response Readyz(const Request&, const Operations& ops) {
  const ledger::Seq applied = ops.read_models.applied_seq();
  const uint64_t lag = ops.read_models.Lag();
  const bool ready = lag <= ops.ready_max_lag;
  return JsonResponse(ready ? 200 : 503,
                      json::object{{"ready", ready}, {"applied_seq", applied}, {"lag", lag}});
}

Response Metrics(const Request&, const Operations& ops) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body.reserve(16 * 1024);
  ops.metrics.Write(ops.read_models.Lag(), &r.body);
  ops.read_models.WriteMetrics(&r.body);
  return r;
}

Response GetStatic(const Request& req, const StaticAssets& assets) {
  if (assets) {
    if (auto r = assets(req)) return std::move(*r);
  }
  return ErrorResponse(404, "not_found", "nothing is served at this path");
}

}  // namespace tl::server
