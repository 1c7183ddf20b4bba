// The handlers as plain functions of (request, the one service each uses) -> response: no
// sockets and no route table. A real log in a temp dir, real projections and the real command
// handler behind them (wired.h).
#include "server/handlers.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "ledger/domain/time_format.h"
#include "projections/workload.h"
#include "server/report_json.h"
#include "tests/server/wired.h"

using namespace tl;
using namespace tl::server;
using namespace tl::testing;
namespace json = boost::json;

namespace {

Request WithId(Request req, ledger::TicketId id) {
  req.path_params = {{"id", std::to_string(id.value())}};
  return req;
}

std::string ErrorCode(const Response& r) {
  return std::string(json::parse(r.body).at("error").at("code").as_string());
}

}  // namespace

TEST_CASE("GET ticket is a function of the request and the read models", "[server][handlers]") {
  Wired w;
  const ledger::TicketId id = w.OpenTicket();
  Response ok = GetTicket(WithId(Wired::Make(Method::kGet, ""), id), *w.projections);
  REQUIRE(ok.status == 200);
  CHECK(ok.content_type == "application/json");
  const json::object ticket = json::parse(ok.body).as_object();
  CHECK(ticket.at("id") == id.value());
  CHECK(ticket.at("queue") == "drift");
  CHECK(ticket.at("owner").is_null());

  CHECK(ErrorCode(GetTicket(WithId(Wired::Make(Method::kGet, ""), ledger::TicketId{999}),
                            *w.projections)) == "not_found");
  // Without the route's capture there is nothing to find.
  CHECK(GetTicket(Wired::Make(Method::kGet, ""), *w.projections).status == 404);
  Request as_of = WithId(Wired::Make(Method::kGet, ""), id);
  as_of.query = {{"as_of", "yesterday"}};
  CHECK(ErrorCode(GetTicket(as_of, *w.projections)) == "bad_field");
  as_of.query = {{"as_of", std::to_string(w.log->Head().seq.value())}};
  CHECK(GetTicket(as_of, *w.projections).body == ok.body);
}

TEST_CASE("a report is the typed report's JSON, and a bad parameter is bad_field",
          "[server][handlers]") {
  Wired w;
  w.OpenTicket();
  w.OpenTicket("campus");
  const ReportEndpoint& workload = *FindReportEndpoint("workload");
  Request req = Wired::Make(Method::kGet, std::string(workload.path));
  req.query = {{"now", "2030-01-01T00:00:00Z"}};
  Response r = GetReport(req, *w.reports, workload);
  REQUIRE(r.status == 200);
  projections::ReportParams params;
  params.now = *ledger::ParseRfc3339("2030-01-01T00:00:00Z");
  auto typed = w.projections->reports().Query<projections::WorkloadReport>(params);
  REQUIRE(typed.ok());
  CHECK(typed->report.groups.size() == 2);
  CHECK(r.body == json::serialize(ToJson(typed->report)));
  CHECK(json::parse(r.body).at("now") == "2030-01-01T00:00:00Z");

  req.query = {{"owner", "olga"}};
  Response bad = GetReport(req, *w.reports, workload);
  CHECK(bad.status == 400);
  CHECK(ErrorCode(bad) == "bad_field");
  CHECK_THAT(bad.body, Catch::Contains("owner"));
}

TEST_CASE("the event feed refuses a bad `after` and reads the log otherwise",
          "[server][handlers]") {
  Wired w;
  w.OpenTicket();
  Request req = Wired::Make(Method::kGet, "/api/v1/events");
  req.query = {{"after", "x"}};
  Response bad = GetEvents(req, *w.log);
  CHECK(bad.status == 400);
  CHECK(ErrorCode(bad) == "bad_field");
  CHECK_THAT(bad.body, Catch::Contains("after"));
  req.query = {{"after", "-1"}};
  CHECK(GetEvents(req, *w.log).status == 400);
  req.query = {{"limit", "0"}};
  CHECK(GetEvents(req, *w.log).status == 400);
  req.query = {{"after", "1"}, {"limit", "2"}};
  Response page = GetEvents(req, *w.log);
  REQUIRE(page.status == 200);
  const json::array events = json::parse(page.body).at("events").as_array();
  REQUIRE(events.size() == 2);
  CHECK(events[0].at("seq") == 2);
  CHECK(events[1].at("seq") == 3);
  // At or past the head, and at the largest `after` (whose next seq would wrap to 1): an empty
  // page, as a feed reader polling for more expects.
  const std::string head = std::to_string(w.log->Head().seq.value());
  for (const std::string& after :
       {head, std::string("1000000"), std::string("18446744073709551615")}) {
    INFO("after=" << after);
    req.query = {{"after", after}};
    Response past = GetEvents(req, *w.log);
    REQUIRE(past.status == 200);
    CHECK(json::parse(past.body).at("events").as_array().empty());
  }
}

TEST_CASE("history and verify read the log", "[server][handlers]") {
  Wired w;
  const ledger::TicketId id = w.OpenTicket();
  Response history = GetHistory(WithId(Wired::Make(Method::kGet, ""), id), *w.log);
  REQUIRE(history.status == 200);
  CHECK(json::parse(history.body).at("events").as_array().size() == 1);
  CHECK(GetHistory(WithId(Wired::Make(Method::kGet, ""), id.Next()), *w.log).status == 404);
  Response verify = GetVerify(Wired::Make(Method::kGet, ""), AuditLog{*w.log});
  CHECK(json::parse(verify.body).at("ok").as_bool());
}

TEST_CASE("writes validate at once and answer later through the command handler",
          "[server][handlers]") {
  Wired w;
  const Principal olga{Role::kAgent, "olga"};
  Response created = AnswerOf([&](Later later) {
    return PostTicket(Wired::Make(Method::kPost, "/api/v1/tickets",
                                  R"({"service":"Eduroam","category":"incident","description":
                                      "wifi","queue":"drift","requester":"kari@uni.no",
                                      "channel":"phone"})"),
                      olga, w.context->writes, std::move(later));
  });
  REQUIRE(created.status == 201);
  const ledger::TicketId id{json::parse(created.body).at("id").to_number<uint64_t>()};
  // Refused at once, before the ledger: not JSON.
  std::optional<Response> now = PostTicket(Wired::Make(Method::kPost, "", "{"), olga,
                                           w.context->writes, [](Response) { FAIL("later"); });
  REQUIRE(now);
  CHECK(ErrorCode(*now) == "bad_json");
  // A rule the ledger checks answers later: olga is not in drift.
  Response refused = AnswerOf([&](Later later) {
    return PostAction(
        WithId(Wired::Make(Method::kPost, "", R"({"type":"assign","owner":"olga"})"), id), olga,
        w.context->writes, std::move(later));
  });
  CHECK(refused.status == 422);
  // A queue's name is the route's capture.
  Request put = Wired::Make(Method::kPut, "", R"({"members":["dina"],"first_line":false})");
  put.path_params = {{"name", "Nytt"}};
  Response defined = AnswerOf([&](Later later) {
    return PutQueue(put, Principal{Role::kAdmin, "admin"}, w.context->writes, std::move(later));
  });
  CHECK(defined.status == 200);
  CHECK(w.projections->Reference()->FindQueue("Nytt"));
}

TEST_CASE("operations: health, readiness, metrics, and the page's files when there are none",
          "[server][handlers]") {
  Wired w;
  w.OpenTicket();
  CHECK(Healthz(Wired::Make(Method::kGet, "/healthz")).body == R"({"status":"ok"})");
  Response ready = Readyz(Wired::Make(Method::kGet, "/readyz"), w.context->operations);
  CHECK(ready.status == 200);
  CHECK(json::parse(ready.body).at("applied_seq") == w.log->Head().seq.value());
  Response metrics = Metrics(Wired::Make(Method::kGet, "/metrics"), w.context->operations);
  CHECK_THAT(metrics.content_type, Catch::StartsWith("text/plain; version=0.0.4"));
  CHECK_THAT(metrics.body, Catch::Contains("ticketledger_events_total"));
  CHECK_THAT(metrics.body, Catch::Contains("ticketledger_projection_lag_events 0"));
  CHECK(GetStatic(Wired::Make(Method::kGet, "/"), StaticAssets()).status == 404);
}
