#include "tests/support/desk.h"

#include <catch2/catch.hpp>

#include "ledger/domain/time_format.h"

namespace tl::testing {

using namespace tl::ledger;
using namespace tl::app;

projections::Options Desk::Quiet() {
  projections::Options options;
  options.checkpoint_every = 0;  // tests that want checkpoints ask for them
  return options;
}

Desk::Desk(projections::Options options) {
  Start(std::move(options));
  DefineStandardReference(*handler_);
}

Desk::~Desk() { Stop(); }

void Desk::Start(projections::Options options) {
  LogOptions log_options;
  log_options.sync = false;  // the tests are not about durability
  log_options.clock = clock_.AsClock();
  log_ = OpenLog(dir_.str(), log_options);
  auto opened = projections::Projections::Open(*log_, projections::StandardModels(),
                                               std::move(options), /*attach=*/true);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  projections_ = std::move(opened).value();
  states_ = std::make_unique<ProjectionStateSource>(*projections_);
  handler_ = std::make_unique<CommandHandler>(*log_, *states_, clock_.AsClock());
}

void Desk::Stop() {
  handler_.reset();
  log_.reset();  // first: it stops calling the projections
  projections_.reset();
}

void Desk::Restart(bool checkpoint, projections::Options options) {
  if (checkpoint) REQUIRE(projections_->Checkpoint().ok());
  Stop();
  Start(std::move(options));
}

TicketId Desk::Open(OpenTicket ticket, TimeNs at, std::string actor) {
  clock_.Set(std::max(clock_.now(), at));
  CommandMeta meta = By(std::move(actor));
  meta.occurred_at = at;
  auto r = handler_->Open(std::move(ticket), meta);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return r->id;
}

CommandResult Desk::Act(TicketId id, TicketAction action, TimeNs at, std::string actor) {
  clock_.Set(std::max(clock_.now(), at));
  CommandMeta meta = By(std::move(actor));
  meta.occurred_at = at;
  auto r = handler_->Act(id, std::move(action), meta);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

void Desk::Imported(TicketId id, Payload payload, TimeNs at) {
  clock_.Set(std::max(clock_.now(), at));
  const auto state = projections_->Ticket(id);
  REQUIRE(state);
  AppendRequest request;
  request.parts.push_back(
      StreamAppend{StreamId::Ticket(id),
                   state->version,
                   {EventDraft{EventId::Random(), at, "legacy", "importer", std::move(payload)}}});
  auto r = log_->Append(std::move(request));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
}

void Desk::DefineQueue(std::string name, std::vector<std::string> members, bool first_line) {
  auto r = handler_->Define(ledger::DefineQueue{std::move(name), std::move(members), first_line},
                            By("admin"));
  REQUIRE(r.ok());
}

void Desk::DefineService(std::string name) {
  auto r = handler_->Define(ledger::DefineService{std::move(name), "a service"}, By("admin"));
  REQUIRE(r.ok());
}

std::string Desk::Metrics(size_t top_label_values) {
  std::string out;
  projections_->WriteMetrics(&out, top_label_values);
  return out;
}

TimeNs At(std::string_view rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  REQUIRE(t.ok());
  return *t;
}

}  // namespace tl::testing
