// The one list of docs/api.md's read models (model_registry.h). Adding a report is a new file with
// its model and one line here; the order is the order of applying, loading and writing.
#include "projections/compliance.h"
#include "projections/dashboard.h"
#include "projections/feedback_pending.h"
#include "projections/followups.h"
#include "projections/metrics.h"
#include "projections/misroutes.h"
#include "projections/model_registry.h"
#include "projections/response_times.h"
#include "projections/satisfaction.h"
#include "projections/support_volume.h"
#include "projections/workload.h"

namespace tl::projections {

ModelRegistry StandardModels() {
  ModelRegistry registry;
  RegisterResponseTimes(registry);
  RegisterSupportVolume(registry);
  RegisterDashboard(registry);
  RegisterWorkload(registry);
  RegisterMisroutes(registry);
  RegisterSatisfaction(registry);
  RegisterCompliance(registry);
  RegisterFollowups(registry);
  RegisterFeedbackPending(registry);
  registry.Register<Metrics>();  // not a report: Projections::WriteMetrics writes it
  return registry;
}

}  // namespace tl::projections
