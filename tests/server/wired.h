// Wired: the services a server's handlers use, without a server: a real log in a temp dir, the
// standard read models attached to it, the real command handler, the report bodies, and tokens
// for an agent (olga), a reader and an auditor. Handlers are called as functions with the one
// service each takes; the API's route table is built over the same services.
#pragma once

#include <catch2/catch.hpp>
#include <future>
#include <memory>
#include <string>

#include "projections/projections.h"
#include "server/api_routes.h"
#include "server/context.h"
#include "tests/support/fixtures.h"

namespace tl::testing {

struct Wired {
  Wired() : log(OpenLog(dir.str())) {
    auto p = projections::Projections::Open(*log, projections::StandardModels(), {}, true);
    REQUIRE(p.ok());
    projections = std::move(p).value();
    states = std::make_unique<app::ProjectionStateSource>(*projections);
    commands = std::make_unique<app::CommandHandler>(*log, *states);
    DefineStandardReference(*commands);
    reports = std::make_unique<server::ReportBodies>(projections->reports());
    agent_token = server::GenerateToken().value();
    reader_token = server::GenerateToken().value();
    auditor_token = server::GenerateToken().value();
    auth = server::Authenticator::Parse(agent_token.sha256_hex + " agent olga\n" +
                                        reader_token.sha256_hex + " reader rita\n" +
                                        auditor_token.sha256_hex + " auditor audun\n")
               .value();
    context = std::make_unique<server::ServerContext>(*log, *projections, *commands, auth, metrics,
                                                      *reports);
  }
  ~Wired() { log.reset(); }  // the log's commit listener refers to the projections

  // A request as the session makes it (no token unless `token` is given).
  static server::Request Make(server::Method method, std::string path, std::string body = "",
                              const std::string& token = "") {
    server::Request req;
    req.method = method;
    req.method_text = std::string(server::MethodName(method));
    req.path = std::move(path);
    req.body = std::move(body);
    if (!token.empty()) req.authorization = "Bearer " + token;
    return req;
  }

  // Opens a ticket through the command handler; its id.
  ledger::TicketId OpenTicket(std::string queue = "drift") {
    auto r = commands->Open(SupportTicket(std::move(queue), "Eduroam"), By("olga"));
    REQUIRE(r.ok());
    return r->id;
  }

  TempDir dir;
  std::unique_ptr<ledger::EventLog> log;
  std::unique_ptr<projections::Projections> projections;
  std::unique_ptr<app::ProjectionStateSource> states;
  std::unique_ptr<app::CommandHandler> commands;
  std::unique_ptr<server::ReportBodies> reports;
  server::NewToken agent_token, reader_token, auditor_token;
  server::Authenticator auth;
  server::ServerMetrics metrics;
  std::unique_ptr<server::ServerContext> context;
};

// Waits for a handler's answer, at once or through `later`.
template <class Call>
server::Response AnswerOf(Call&& call) {
  std::promise<server::Response> later;
  auto answer = later.get_future();
  std::optional<server::Response> now =
      call([&later](server::Response r) { later.set_value(std::move(r)); });
  return now ? std::move(*now) : answer.get();
}

}  // namespace tl::testing
