#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "app/data_keys.h"

namespace tl::testing {

using namespace tl::ledger;
using namespace tl::app;

std::unique_ptr<EventLog> OpenLog(const std::string& dir, LogOptions options) {
  std::error_code error;
  if (!options.keys &&
      std::filesystem::exists(std::filesystem::path(dir) / "keys/CURRENT", error)) {
    // A ledger the product made (serve, import, generate) seals personal data: open its key
    // store, as the tools do, so that the events read as text.
    auto keys = OpenDataKeys(dir, "", /*create=*/false);
    INFO(keys.status().ToString());
    REQUIRE(keys.ok());
    options.keys = std::move(keys).value();
  }
  auto log = EventLog::Open(dir, std::move(options));
  INFO(log.status().ToString());
  REQUIRE(log.ok());
  return std::move(log).value();
}

std::unique_ptr<EventLog> OpenSealedLog(const std::string& dir, LogOptions options) {
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  auto keys = OpenDataKeys(dir, "", /*create=*/true);
  INFO(keys.status().ToString());
  REQUIRE(keys.ok());
  options.keys = std::move(keys).value();
  return OpenLog(dir, std::move(options));
}

std::vector<Event> AllEvents(const EventLog& log) {
  std::vector<Event> events;
  REQUIRE(log.Scan(Seq{1}, log.Head().seq,
                   [&](const StoredEvent& stored) {
                     events.push_back(stored.event);
                     return Status::Ok();
                   })
              .ok());
  return events;
}

void DefineStandardReference(CommandHandler& handler) {
  REQUIRE(handler.Define(DefineQueue{"Orakel", {"olga", "otto"}, true}, By("admin")).ok());
  REQUIRE(handler.Define(DefineQueue{"campus", {"carl", "cora"}, false}, By("admin")).ok());
  REQUIRE(handler.Define(DefineQueue{"drift", {"dina"}, false}, By("admin")).ok());
  REQUIRE(handler.Define(DefineService{"Identitet_Feide", "Feide identity"}, By("admin")).ok());
  REQUIRE(handler.Define(DefineService{"Eduroam", "eduroam"}, By("admin")).ok());
}

OpenTicket SupportTicket(std::string queue, std::string service) {
  OpenTicket t;
  t.service = std::move(service);
  t.category = Category::kSupport;
  t.description = "login, password reset";
  t.queue = std::move(queue);
  t.requester = "requester@uni.no";
  t.channel = Channel::kEmail;
  t.subject = "Cannot log in";
  return t;
}

CommandMeta By(std::string actor) {
  CommandMeta meta;
  meta.actor = actor;
  meta.recorded_by = std::move(actor);
  return meta;
}

}  // namespace tl::testing
