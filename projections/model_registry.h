// ModelRegistry: the one table of read models and the reports they answer (docs/projections.md,
// "How to add a report"). High-level code builds a registry and calls Register() for each model
// (StandardModels() does it for docs/api.md's models), then hands it to Projections::Open; the
// projector folds every event into one instance of each registered model, the checkpoints
// load and write each, and the report service answers each model's report. Nothing else lists
// the models: no enum, no switch.
//
// A value: copied freely, read-only once handed over. Not thread-safe while being filled.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <vector>

#include "projections/report_types.h"

namespace tl::projections {

class Names;
class ReadModel;
class TicketIndex;

// What a report query sees besides its own model: the ticket states (to fold a window's partly
// covered days ticket by ticket, or to show a listed ticket's fields) and the report's "now"
// (the query's, or the latest applied event's occurred_at).
struct ReportScope {
  const TicketIndex& tickets;
  ledger::TimeNs now;
};

class ModelRegistry {
 public:
  // Registers read model M, a ReadModel constructible from (Names&) or default-constructible.
  // If M declares `using Report = R;` and `R Query(const ReportParams&, const ReportScope&)
  // const`, it also answers ReportService::Query<R>() (one model per report type). Models are
  // applied, loaded and written in the order of registration; each needs its own name(), which
  // is its checkpoint's key (Projections::Open refuses a registry that repeats one).
  template <class M>
  void Register() {
    Entry entry{typeid(M), &MakeModel<M>, std::nullopt, nullptr};
    if constexpr (requires { typename M::Report; }) {
      entry.report = typeid(typename M::Report);
      entry.query = &QueryModel<M>;
    }
    entries_.push_back(entry);
  }

  struct Entry {
    std::type_index model;
    std::unique_ptr<ReadModel> (*make)(Names& names);  // a fresh, empty model
    std::optional<std::type_index> report;             // M::Report, if M answers one
    // Runs M's query on `model` (an M) and stores the result in `*out` (an M::Report).
    void (*query)(const ReadModel& model, const ReportParams& params, const ReportScope& scope,
                  void* out);
  };
  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

  // The position of model type `model` / of the model answering `report`; nullopt if none.
  std::optional<size_t> IndexOfModel(std::type_index model) const;
  std::optional<size_t> IndexOfReport(std::type_index report) const;

 private:
  template <class M>
  static std::unique_ptr<ReadModel> MakeModel(Names& names) {
    if constexpr (std::is_constructible_v<M, Names&>) {
      return std::make_unique<M>(names);
    } else {
      return std::make_unique<M>();
    }
  }
  template <class M>
  static void QueryModel(const ReadModel& model, const ReportParams& params,
                         const ReportScope& scope, void* out) {
    *static_cast<typename M::Report*>(out) = static_cast<const M&>(model).Query(params, scope);
  }

  std::vector<Entry> entries_;
};

// docs/api.md's read models, in the order the checkpoints have always been written: response times,
// volume, dashboard, workload, misroutes, satisfaction, compliance, follow-ups, pending
// feedback, metrics. standard_models.cc is the one place that lists them.
ModelRegistry StandardModels();

}  // namespace tl::projections
