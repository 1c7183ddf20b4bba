// The route table: patterns and their captures, 404 and 405 with its Allow list, tokens and
// roles, routes added from outside; then docs/api.md's table over real services (wired.h), as the
// session calls it. No sockets.
#include "server/route_table.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <stdexcept>

#include "server/api_routes.h"
#include "tests/server/wired.h"

using namespace tl;
using namespace tl::server;
using namespace tl::testing;
namespace json = boost::json;

namespace {

// A handler that answers with the route's name and its captures, "name a=1 b=2".
Handler Echo(std::string name) {
  return [name](const Request& req, const Principal* caller, Later) {
    std::string body = name;
    for (const auto& [k, v] : req.path_params) body += " " + k + "=" + v;
    if (caller) body += " by " + caller->actor;
    Response r;
    r.content_type = "text/plain";
    r.body = std::move(body);
    return std::optional<Response>(std::move(r));
  };
}

std::string Allow(const Response& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "Allow") return value;
  }
  return "(none)";
}

std::string ErrorCode(const Response& r) {
  return std::string(json::parse(r.body).at("error").at("code").as_string());
}

struct Table {
  Table() : auth(Authenticator::Parse(reader.sha256_hex + " reader rita\n").value()), table(auth) {}

  Response Call(Method method, std::string path, bool with_token = false) {
    RouteTable::Answered answered;
    auto r = table.Answer(
        Wired::Make(method, std::move(path), "", with_token ? reader.token : ""),
        [](Response) { FAIL("no route here answers later"); }, &answered);
    REQUIRE(r);
    last_actor = answered.actor;
    last_route = std::string(answered.route);
    return std::move(*r);
  }

  NewToken reader = GenerateToken().value();
  Authenticator auth;
  RouteTable table;
  std::string last_actor;
  std::string last_route;  // the matched pattern, for the metrics
};

}  // namespace

TEST_CASE("patterns match literals, one segment, ticket ids and the rest of a path",
          "[server][routes]") {
  Table t;
  t.table.Add({Method::kGet, "/", kAnyone, Echo("root")});
  t.table.Add({Method::kGet, "/things/{id:ticket}", kAnyone, Echo("thing")});
  t.table.Add({Method::kGet, "/things/{id:ticket}/parts/{part}", kAnyone, Echo("part")});
  t.table.Add({Method::kGet, "/named/{name}", kAnyone, Echo("named")});
  t.table.Add({Method::kGet, "/files/{path...}", kAnyone, Echo("file")});

  CHECK(t.Call(Method::kGet, "/").body == "root");
  CHECK(t.Call(Method::kGet, "/things/42").body == "thing id=42");
  CHECK(t.Call(Method::kGet, "/things/42/parts/wheel").body == "part id=42 part=wheel");
  CHECK(t.last_route == "/things/{id:ticket}/parts/{part}");  // the metrics' label: no ids
  CHECK(t.Call(Method::kGet, "/named/Orakel").body == "named name=Orakel");
  CHECK(t.Call(Method::kGet, "/files/").body == "file path=");
  CHECK(t.Call(Method::kGet, "/files/js/app.js").body == "file path=js/app.js");
  // A ticket id is a positive decimal without sign or leading zeros, within 64 bits.
  for (const char* path : {"/things/0", "/things/01", "/things/abc", "/things/-1", "/things/+1",
                           "/things/99999999999999999999", "/things/", "/things/42/", "/named/",
                           "/named", "/files", "//", "", "things/42"}) {
    INFO(path);
    CHECK(ErrorCode(t.Call(Method::kGet, path)) == "not_found");
    CHECK(t.last_route.empty());
  }
  CHECK(t.Call(Method::kGet, "/things/9999999999999999999").status == 200);  // 19 digits
}

TEST_CASE("a known path with another method is 405 with every method its routes take",
          "[server][routes]") {
  Table t;
  t.table.Add({Method::kGet, "/list", kAnyone, Echo("list")});
  t.table.Add({Method::kPost, "/list", kAnyone, Echo("add")});
  t.table.Add({Method::kPut, "/list/{name}", kAnyone, Echo("put")});
  t.table.Add({Method::kDelete, "/list/{name}", kAnyone, Echo("delete")});
  t.table.Add({Method::kGet, "/list/special", kAnyone, Echo("special")});

  Response r = t.Call(Method::kPatch, "/list");
  CHECK(r.status == 405);
  CHECK(ErrorCode(r) == "method_not_allowed");
  CHECK(Allow(r) == "GET, HEAD, POST");
  CHECK(Allow(t.Call(Method::kGet, "/list/x")) == "PUT, DELETE");
  // Where two patterns match, the Allow list is every method of both, in the table's order,
  // and the first route with the method answers.
  CHECK(Allow(t.Call(Method::kPost, "/list/special")) == "PUT, DELETE, GET, HEAD");
  CHECK(t.Call(Method::kGet, "/list/special").body == "special");
  CHECK(t.Call(Method::kPut, "/list/special").body == "put name=special");
  // HEAD is GET (the session drops the body); a method nobody routes is 405 too.
  CHECK(t.Call(Method::kHead, "/list").body == "list");
  CHECK(t.Call(Method::kOther, "/list").status == 405);
  CHECK(t.table.AllowedAt("/nowhere").empty());
}

TEST_CASE("a route that needs a permission authenticates (401) and checks the role (403)",
          "[server][routes]") {
  Table t;
  t.table.Add({Method::kGet, "/read", Permission::kRead, Echo("read")});
  t.table.Add({Method::kGet, "/audit", Permission::kAudit, Echo("audit")});
  t.table.Add({Method::kGet, "/open", kAnyone, Echo("open")});

  Response anonymous = t.Call(Method::kGet, "/read");
  CHECK(anonymous.status == 401);
  CHECK(ErrorCode(anonymous) == "unauthenticated");
  CHECK(anonymous.headers ==
        std::vector<std::pair<std::string, std::string>>{{"WWW-Authenticate", "Bearer"}});
  CHECK(t.Call(Method::kGet, "/read", true).body == "read by rita");
  CHECK(t.last_actor == "rita");
  Response forbidden = t.Call(Method::kGet, "/audit", true);
  CHECK(forbidden.status == 403);
  CHECK(ErrorCode(forbidden) == "forbidden");
  CHECK(t.last_actor == "rita");  // known, for the access log, though refused
  CHECK(t.Call(Method::kGet, "/open").body == "open");
  CHECK(t.last_actor.empty());
  // The method is checked before the token: a wrong method is 405 for anyone.
  CHECK(t.Call(Method::kPost, "/audit").status == 405);
}

TEST_CASE("malformed patterns and routes already in the table are refused when added",
          "[server][routes]") {
  Table t;
  t.table.Add({Method::kGet, "/x/{id:ticket}", kAnyone, Echo("x")});
  CHECK_THROWS_AS(t.table.Add({Method::kGet, "/x/{id:ticket}", kAnyone, Echo("again")}),
                  std::invalid_argument);
  t.table.Add({Method::kPut, "/x/{id:ticket}", kAnyone, Echo("put")});  // another method: fine
  for (const char* pattern :
       {"x", "/x/{id:uuid}", "/x/{rest...}/y", "/x/{}", "/x/a{b}", "/x/{open"}) {
    INFO(pattern);
    CHECK_THROWS_AS(t.table.Add({Method::kGet, pattern, kAnyone, Echo("bad")}),
                    std::invalid_argument);
  }
  CHECK_THROWS_AS(t.table.Add({Method::kHead, "/y", kAnyone, Echo("head")}), std::invalid_argument);
}

TEST_CASE("docs/api.md's table answers reads at once and writes through the command handler",
          "[server][routes]") {
  Wired w;
  RouteTable table = ApiRoutes(*w.context);
  auto call = [&](Method method, std::string path, std::string body = "",
                  const std::string& token = "") {
    return AnswerOf([&](Later later) {
      return table.Answer(Wired::Make(method, path, std::move(body), token), std::move(later));
    });
  };
  const std::string olga = w.agent_token.token;
  Response created = call(Method::kPost, "/api/v1/tickets",
                          R"({"service":"Eduroam","category":"incident","description":"wifi",
                              "queue":"drift","requester":"kari@uni.no","channel":"phone"})",
                          olga);
  REQUIRE(created.status == 201);
  CHECK(json::parse(created.body).at("id").to_number<uint64_t>() == 1);
  Response ticket = call(Method::kGet, "/api/v1/tickets/1", "", olga);
  REQUIRE(ticket.status == 200);
  CHECK(json::parse(ticket.body).at("channel") == "phone");
  CHECK(call(Method::kHead, "/api/v1/tickets/1", "", olga).status == 200);
  CHECK(call(Method::kGet, "/api/v1/tickets/1").status == 401);
  CHECK(call(Method::kGet, "/api/v1/events", "", olga).status == 403);
  CHECK(call(Method::kGet, "/api/v1/events", "", w.auditor_token.token).status == 200);
  Response wrong = call(Method::kPatch, "/api/v1/tickets/1", "", olga);
  CHECK(wrong.status == 405);
  CHECK(wrong.headers == std::vector<std::pair<std::string, std::string>>{{"Allow", "GET, HEAD"}});
  CHECK(Allow(call(Method::kDelete, "/api/v1/tickets")) == "GET, HEAD, POST");
  CHECK(Allow(call(Method::kGet, "/api/v1/tickets/1/actions")) == "POST");
  CHECK(Allow(call(Method::kPost, "/api/v1/queues/Orakel")) == "PUT");
  CHECK(call(Method::kPost, "/api/v1/tickets/1/actions", R"({"type":"assign","owner":"olga"})",
             olga)
            .status == 422);  // olga is not in drift
  CHECK(call(Method::kGet, "/api/v1/tickets/1/", "", olga).status == 404);
  CHECK(call(Method::kGet, "/api/v1/tickets/abc", "", olga).status == 404);
  CHECK(call(Method::kPatch, "/api/v1/tickets/abc", "", olga).status == 404);
  // Every report has its route, for readers.
  for (const ReportEndpoint& e : ReportEndpoints()) {
    INFO(e.path);
    CHECK(call(Method::kGet, std::string(e.path), "", w.reader_token.token).status == 200);
    CHECK(Allow(call(Method::kPost, std::string(e.path))) == "GET, HEAD");
  }
  CHECK(call(Method::kGet, "/api/v1/reports/dashboard", "", olga).status == 404);
  // No token for the operations endpoints and the page (none is wired here: 404).
  CHECK(call(Method::kGet, "/healthz").status == 200);
  CHECK(call(Method::kGet, "/readyz").status == 200);
  CHECK(ErrorCode(call(Method::kGet, "/assets/app.js")) == "not_found");
}

TEST_CASE("routes added from outside are served; the product's table does not have them",
          "[server][routes]") {
  Wired w;
  RouteTable table = ApiRoutes(*w.context);
  auto get = [&](const RouteTable& t, std::string path) {
    return t.Answer(
        Wired::Make(Method::kGet, std::move(path)), [](Response) {}, nullptr);
  };
  CHECK(get(table, "/bench/bare")->status == 404);
  // What the HTTP benchmark adds (bench/cmd_bench_http.cc).
  table.Add({Method::kGet, "/bench/bare", kAnyone, Read(+[](const Request&) {
               Response r;
               r.body = R"({"ok":true})";
               return r;
             })});
  CHECK(get(table, "/bench/bare")->body == R"({"ok":true})");
  // docs/api.md's own routes cannot be added twice.
  CHECK_THROWS_AS(table.Add({Method::kGet, "/healthz", kAnyone, Echo("again")}),
                  std::invalid_argument);
}
