// The router and handlers as plain functions of (request, context) -> response: no sockets. A
// real log in a temp dir, real projections and the real command handler behind them.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <future>

#include "projections/projections.h"
#include "server/router.h"
#include "tests/support/fixtures.h"

using namespace tl;
using namespace tl::server;
using namespace tl::testing;
namespace json = boost::json;

namespace {

struct Wired {
  Wired() : log(OpenLog(dir.str())) {
    auto p = projections::Projections::Open(*log, projections::StandardModels(), {}, true);
    REQUIRE(p.ok());
    projections = std::move(p).value();
    states = std::make_unique<app::ProjectionStateSource>(*projections);
    commands = std::make_unique<app::CommandHandler>(*log, *states);
    DefineStandardReference(*commands);
    reports = std::make_unique<ReportBodies>(projections->reports());
    agent_token = GenerateToken().value();
    auth = Authenticator::Parse(agent_token.sha256_hex + " agent olga\n").value();
    context = std::unique_ptr<ServerContext>(
        new ServerContext{*log, *projections, *commands, auth, metrics, *reports, {}, false});
  }
  ~Wired() { log.reset(); }  // the log's commit listener refers to the projections

  // Routes a request and waits for its answer, at once or later.
  Response Call(Method method, std::string path, std::string body = "",
                bool with_token = true) {
    Request req;
    req.method = method;
    req.method_text = std::string(MethodName(method));
    req.path = std::move(path);
    req.body = std::move(body);
    if (with_token) req.authorization = "Bearer " + agent_token.token;
    std::promise<Response> later;
    auto answer = later.get_future();
    std::string actor;
    auto now = Route(req, *context, [&later](Response r) { later.set_value(std::move(r)); },
                     &actor);
    return now ? std::move(*now) : answer.get();
  }

  TempDir dir;
  std::unique_ptr<ledger::EventLog> log;
  std::unique_ptr<projections::Projections> projections;
  std::unique_ptr<app::ProjectionStateSource> states;
  std::unique_ptr<app::CommandHandler> commands;
  std::unique_ptr<ReportBodies> reports;
  NewToken agent_token;
  Authenticator auth;
  ServerMetrics metrics;
  std::unique_ptr<ServerContext> context;
};

}  // namespace

TEST_CASE("the router answers reads at once and writes through the command handler",
          "[server][router]") {
  Wired w;
  Response created = w.Call(Method::kPost, "/api/v1/tickets",
                            R"({"service":"Eduroam","category":"incident","description":"wifi",
                                "queue":"drift","requester":"kari@uni.no","channel":"phone"})");
  REQUIRE(created.status == 201);
  CHECK(json::parse(created.body).at("id").to_number<uint64_t>() == 1);
  Response ticket = w.Call(Method::kGet, "/api/v1/tickets/1");
  REQUIRE(ticket.status == 200);
  CHECK(json::parse(ticket.body).at("channel") == "phone");
  Response head = w.Call(Method::kHead, "/api/v1/tickets/1");
  CHECK(head.status == 200);  // the session drops the body
  CHECK(w.Call(Method::kGet, "/api/v1/tickets/1", "", false).status == 401);
  CHECK(w.Call(Method::kGet, "/api/v1/events").status == 403);
  Response wrong = w.Call(Method::kPatch, "/api/v1/tickets/1");
  CHECK(wrong.status == 405);
  REQUIRE(wrong.headers.size() == 1);
  CHECK(wrong.headers[0] == std::pair<std::string, std::string>{"Allow", "GET, HEAD"});
  CHECK(w.Call(Method::kPost, "/api/v1/tickets/1/actions", R"({"type":"assign","owner":"olga"})")
            .status == 422);  // olga is not in drift
  CHECK(w.Call(Method::kGet, "/api/v1/tickets/1/").status == 404);
}
