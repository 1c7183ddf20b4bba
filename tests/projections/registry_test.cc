// The model registry: a model registered beside docs/api.md's is folded, checkpointed and queried
// like them, with nothing else to edit (what "a new report is one new file and one
// registration" means); the standard registry keeps the checkpoints' order; names are unique.
#include <catch2/catch.hpp>
#include <map>

#include "projections/model_registry.h"
#include "projections/projections.h"
#include "projections/read_model.h"
#include "projections/response_times.h"
#include "projections/workload.h"
#include "tests/support/desk.h"

using namespace tl::ledger;
using namespace tl::testing;
using tl::projections::Change;
using tl::projections::CheckpointReader;
using tl::projections::CheckpointWriter;
using tl::projections::ModelRegistry;
using tl::projections::Projections;
using tl::projections::ReadModel;
using tl::projections::ReportParams;
using tl::projections::ReportScope;

namespace {

// A report of events per type, with "now" echoed: the smallest model that answers a report.
struct EventTypesReport {
  std::map<std::string, uint64_t> by_type;
  TimeNs now = 0;
  bool operator==(const EventTypesReport&) const = default;
};

class EventTypes : public ReadModel {
 public:
  std::string_view name() const override { return "test_event_types"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override {
    ++counts_[std::string(EventTypeName(change.event.payload))];
  }
  void Encode(CheckpointWriter& out) const override {
    out.PutVarint(counts_.size());
    for (const auto& [type, n] : counts_) {
      out.PutString(type);
      out.PutVarint(n);
    }
  }
  void Decode(CheckpointReader& in) override {
    const uint64_t n = in.GetCount();
    for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
      std::string type(in.GetString());
      counts_[type] = in.GetVarint();
    }
  }

  using Report = EventTypesReport;
  Report Query(const ReportParams&, const ReportScope& scope) const { return {counts_, scope.now}; }

 private:
  std::map<std::string, uint64_t> counts_;
};

// A model without a report, named like a standard one.
class Impostor : public ReadModel {
 public:
  std::string_view name() const override { return "workload"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change&) override {}
  void Encode(CheckpointWriter&) const override {}
  void Decode(CheckpointReader&) override {}
};

std::unique_ptr<Projections> OpenWith(EventLog& log, ModelRegistry models, bool checkpoints) {
  tl::projections::Options options = Desk::Quiet();
  options.use_checkpoints = checkpoints;
  auto p = Projections::Open(log, std::move(models), options, /*attach=*/false);
  INFO(p.status().ToString());
  REQUIRE(p.ok());
  return std::move(p).value();
}

}  // namespace

TEST_CASE("a registered model is folded, checkpointed and answers its report",
          "[projections][registry]") {
  Desk desk;
  const TicketId id = desk.Open(SupportTicket("Orakel"), kMonday);
  desk.Act(id, Reply{"looking"}, kMonday + kMinute);
  ModelRegistry models = tl::projections::StandardModels();
  models.Register<EventTypes>();

  auto p = OpenWith(desk.log(), models, /*checkpoints=*/false);
  auto answer = p->reports().Query<EventTypesReport>({});
  REQUIRE(answer.ok());
  CHECK(answer->seq == desk.log().Head().seq);
  CHECK(answer->report.by_type.at("opened") == 1);
  CHECK(answer->report.by_type.at("replied") == 1);
  CHECK(answer->report.by_type.at("queue_defined") >= 1);
  CHECK(answer->report.now == kMonday + kMinute);  // the latest occurred_at
  ReportParams at;
  at.now = kMonday + kDay;
  CHECK(p->reports().Query<EventTypesReport>(at)->report.now == kMonday + kDay);
  // The standard reports answer beside it.
  CHECK(p->reports().Query<tl::projections::WorkloadReport>({})->report.groups.size() == 1);

  // Checkpointed with the others, and loaded from its checkpoint on the next start.
  REQUIRE(p->Checkpoint().ok());
  p.reset();
  auto reopened = OpenWith(desk.log(), models, /*checkpoints=*/true);
  bool found = false;
  for (const auto& m : reopened->checkpoint_info().models) {
    if (m.name != "test_event_types") continue;
    found = true;
    CHECK(m.loaded_seq == desk.log().Head().seq);
  }
  CHECK(found);
  CHECK(reopened->reports().Query<EventTypesReport>({})->report == answer->report);
  CHECK(reopened->StateDigests().contains("test_event_types"));
}

TEST_CASE("the standard registry keeps the checkpoints' names and order",
          "[projections][registry]") {
  Desk desk;
  std::vector<std::string> names;
  for (const auto& m : desk.projections().checkpoint_info().models) names.push_back(m.name);
  CHECK(names == std::vector<std::string>{"tickets", "response_times", "volume", "dashboard",
                                          "workload", "misroutes", "satisfaction", "compliance",
                                          "followups", "feedback_pending", "metrics"});
  const ModelRegistry models = tl::projections::StandardModels();
  CHECK(models.IndexOfReport(typeid(tl::projections::ResponseTimesReport)) == 0u);
  CHECK_FALSE(models.IndexOfReport(typeid(EventTypesReport)));
  CHECK_FALSE(models.IndexOfModel(typeid(EventTypes)));
}

TEST_CASE(
    "a registry without a model answers no report of it; two models with one name are "
    "refused",
    "[projections][registry]") {
  Desk desk;
  auto bare = OpenWith(desk.log(), ModelRegistry(), false);
  CHECK(bare->applied_seq() == desk.log().Head().seq);  // the ticket model alone
  CHECK(bare->reports().Query<tl::projections::WorkloadReport>({}).status().code() ==
        tl::StatusCode::kNotFound);
  std::string metrics;
  bare->WriteMetrics(&metrics);
  CHECK(metrics.empty());

  ModelRegistry twice = tl::projections::StandardModels();
  twice.Register<Impostor>();
  auto refused = Projections::Open(desk.log(), std::move(twice), Desk::Quiet(), /*attach=*/false);
  CHECK(refused.status().code() == tl::StatusCode::kInternal);
  CHECK_THAT(refused.status().ToString(), Catch::Contains("workload"));
}
