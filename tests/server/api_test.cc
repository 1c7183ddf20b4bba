// Every endpoint and every error code of docs/api.md, over real HTTP against `ticketledger serve`.
// For each refused write, the global feed's length is checked to be unchanged.
#include "ledger/domain/time_format.h"
#include "ledger/store/event_log.h"
#include "tests/server/api_support.h"

using namespace tl::testing;
namespace json = boost::json;

namespace {

// A write that must be refused with `status` and `code`, appending nothing.
void ExpectRefused(Api& api, HttpClient& client, const std::string& method,
                   const std::string& target, const std::string& body, int status,
                   const std::string& code) {
  const uint64_t before = api.FeedLength();
  auto r = client.Send(method, target, body);
  INFO(method << " " << target << " " << body << " -> " << r.status << " " << r.body);
  CHECK(r.status == status);
  CHECK(r.ErrorCode() == code);
  CHECK(api.FeedLength() == before);
}

std::string Action(json::object o) { return json::serialize(o); }

}  // namespace

TEST_CASE("operations endpoints answer without a token", "[server][api][loopback]") {
  Api api;
  HttpClient anonymous(api.server.port());
  CHECK(anonymous.Get("/healthz").status == 200);
  auto ready = anonymous.Get("/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.Json().at("ready").as_bool());
  auto metrics = anonymous.Get("/metrics");
  CHECK(metrics.status == 200);
  CHECK_THAT(metrics.headers["content-type"], Catch::StartsWith("text/plain; version=0.0.4"));
  CHECK_THAT(metrics.body, Catch::Contains("ticketledger_events_total"));
  auto head = anonymous.Send("HEAD", "/healthz", "");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  // The dashboard page (server/web, tested in tests/web): no token needed; an asset it does
  // not have is 404.
  CHECK(anonymous.Get("/").status == 200);
  CHECK(anonymous.Get("/assets/app.js").ErrorCode() == "not_found");
  CHECK(anonymous.Send("POST", "/healthz", "{}").status == 405);
}

TEST_CASE("authentication and roles are enforced per endpoint", "[server][api][loopback]") {
  Api api;
  const uint64_t id = api.OpenTicket();
  HttpClient anonymous(api.server.port());
  auto r = anonymous.Get("/api/v1/tickets/1");
  CHECK(r.status == 401);
  CHECK(r.ErrorCode() == "unauthenticated");
  HttpClient forged(api.server.port(), std::string(64, 'f'));
  CHECK(forged.Get("/api/v1/tickets").ErrorCode() == "unauthenticated");

  HttpClient reader = api.Client("reader");
  HttpClient agent = api.Client("agent");
  HttpClient auditor = api.Client("auditor");
  CHECK(reader.Get("/api/v1/tickets/" + std::to_string(id)).status == 200);
  ExpectRefused(api, reader, "POST", "/api/v1/tickets", json::serialize(Api::TicketBody()), 403,
                "forbidden");
  ExpectRefused(api, auditor, "POST", "/api/v1/tickets/1/actions",
                Action({{"type", "comment"}, {"body", "x"}}), 403, "forbidden");
  ExpectRefused(api, agent, "PUT", "/api/v1/services/Nytt", R"({"title":"t"})", 403, "forbidden");
  CHECK(agent.Get("/api/v1/tickets/1/history").ErrorCode() == "forbidden");
  CHECK(agent.Get("/api/v1/events").ErrorCode() == "forbidden");
  CHECK(reader.Get("/api/v1/audit/verify").ErrorCode() == "forbidden");
  CHECK(auditor.Get("/api/v1/tickets/1/history").status == 200);
  CHECK(auditor.Get("/api/v1/tickets").status == 200);
  HttpClient importer = api.Client("importer");
  CHECK(importer.Get("/api/v1/events").ErrorCode() == "forbidden");
  CHECK(api.Client("admin").Get("/api/v1/events").status == 200);
}

TEST_CASE("unknown paths are 404 and wrong methods 405", "[server][api][loopback]") {
  Api api;
  HttpClient reader = api.Client("reader");
  CHECK(reader.Get("/api/v1/nothing").ErrorCode() == "not_found");
  CHECK(reader.Get("/api/v1/tickets/abc").ErrorCode() == "not_found");
  CHECK(reader.Get("/api/v1/tickets/999").ErrorCode() == "not_found");
  CHECK(reader.Get("/api/v1/reports/nonsense").ErrorCode() == "not_found");
  auto r = reader.Send("DELETE", "/api/v1/tickets", "");
  CHECK(r.status == 405);
  CHECK(r.ErrorCode() == "method_not_allowed");
  CHECK_THAT(r.headers["allow"], Catch::Contains("POST"));
  CHECK(reader.Send("PUT", "/api/v1/tickets/1", "{}").status == 405);
  CHECK(reader.Get("/api/v1/tickets/1/actions").status == 405);
  CHECK(reader.Send("POST", "/api/v1/queues", "{}").status == 405);
  CHECK(reader.Send("POST", "/api/v1/dashboard", "{}").status == 405);
}

TEST_CASE("reference data is defined by admins and a PUT that changes nothing appends nothing",
          "[server][api][loopback]") {
  Api api;
  HttpClient admin = api.Client("admin");
  auto queues = admin.Get("/api/v1/queues").Json().at("queues").as_array();
  REQUIRE(queues.size() == 3);
  CHECK(queues[0].at("name") == "Orakel");
  CHECK(queues[0].at("first_line").as_bool());
  CHECK(queues[0].at("members").as_array().size() == 2);
  auto services = admin.Get("/api/v1/services").Json().at("services").as_array();
  CHECK(services.size() == 2);

  const uint64_t before = api.FeedLength();
  auto same =
      admin.Put("/api/v1/queues/campus",
                json::object{{"members", json::array{"cora", "carl"}}, {"first_line", false}});
  CHECK(same.status == 200);
  CHECK_FALSE(same.Json().at("changed").as_bool());
  CHECK(api.FeedLength() == before);
  auto changed = admin.Put("/api/v1/queues/campus",
                           json::object{{"members", json::array{"carl", "cora", "cecilie"}}});
  CHECK(changed.status == 200);
  CHECK(changed.Json().at("changed").as_bool());
  CHECK(api.FeedLength() == before + 1);
  ExpectRefused(api, admin, "PUT", "/api/v1/queues/x", R"({"first_line":true})", 400,
                "missing_field");
  ExpectRefused(api, admin, "PUT", "/api/v1/queues/x", R"({"members":"carl"})", 400, "bad_field");
  ExpectRefused(api, admin, "PUT", "/api/v1/services/x", R"({"title":5})", 400, "bad_field");
  ExpectRefused(api, admin, "PUT", "/api/v1/services/x", R"(not json)", 400, "bad_json");
}

TEST_CASE("opening tickets assigns ids without gaps and acknowledges first-line tickets",
          "[server][api][loopback]") {
  Api api;
  HttpClient olga = api.Client("olga");
  auto first = olga.Post("/api/v1/tickets", Api::TicketBody("Orakel"));
  REQUIRE(first.status == 201);
  auto body = first.Json().as_object();
  CHECK(body.at("id").to_number<uint64_t>() == 1);
  CHECK(body.at("version").to_number<uint64_t>() == 2);  // opened + acknowledged
  CHECK(body.at("seq").to_number<uint64_t>() == api.FeedLength());

  json::object unknown_service = Api::TicketBody();
  unknown_service["service"] = "Nope";
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", json::serialize(unknown_service), 422,
                "unknown_service");
  json::object unknown_queue = Api::TicketBody();
  unknown_queue["queue"] = "nope";
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", json::serialize(unknown_queue), 422,
                "unknown_queue");
  json::object bad_category = Api::TicketBody();
  bad_category["category"] = "chaos";
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", json::serialize(bad_category), 400,
                "bad_field");
  json::object bad_channel = Api::TicketBody();
  bad_channel["channel"] = "pigeon";
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", json::serialize(bad_channel), 400,
                "bad_field");
  json::object missing = Api::TicketBody();
  missing.erase("requester");
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", json::serialize(missing), 400,
                "missing_field");
  json::object wrong_type = Api::TicketBody();
  wrong_type["description"] = json::array{"a"};
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", json::serialize(wrong_type), 400,
                "bad_field");
  json::object orphan = Api::TicketBody();
  orphan["category"] = "change";
  orphan["parent"] = 77;
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", json::serialize(orphan), 422,
                "unknown_parent");
  json::object not_change = Api::TicketBody();
  not_change["parent"] = 1;
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", json::serialize(not_change), 422,
                "child_must_be_change");
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", "{\"service\":", 400, "bad_json");
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", "", 400, "bad_json");

  auto team = olga.Post("/api/v1/tickets", Api::TicketBody("campus"));
  REQUIRE(team.status == 201);
  CHECK(team.Json().at("id").to_number<uint64_t>() == 2);  // the refusals used no id
  CHECK(team.Json().at("version").to_number<uint64_t>() == 1);

  json::object child = Api::TicketBody("campus");
  child["category"] = "change";
  child["parent"] = 1;
  auto made = olga.Post("/api/v1/tickets", child);
  REQUIRE(made.status == 201);
  CHECK(made.Json().at("id").to_number<uint64_t>() == 3);
  auto parent = api.Client("reader").Get("/api/v1/tickets/1").Json();
  CHECK(parent.at("children").as_array() == json::array{3});
  auto history = api.Client("auditor").Get("/api/v1/tickets/1/history").Json();
  CHECK(history.at("events").as_array().back().at("type") == "child_linked");
}

TEST_CASE("a ticket reads back with every field of docs/api.md", "[server][api][loopback]") {
  Api api;
  const uint64_t id = api.OpenTicket();
  auto t = api.Client("reader").Get("/api/v1/tickets/" + std::to_string(id)).Json().as_object();
  for (const char* key :
       {"id",         "version",           "service",     "category", "description", "queue",
        "owner",      "requester",         "channel",     "subject",  "status",      "created_at",
        "updated_at", "first_response_at", "resolved_at", "solution", "stalled",     "parent",
        "children",   "reopened",          "feedback"}) {
    INFO(key);
    CHECK(t.contains(key));
  }
  CHECK(t.at("status") == "new");
  CHECK(t.at("owner").is_null());
  CHECK(t.at("stalled").is_null());
  CHECK(t.at("first_response_at").is_null());
  CHECK_THAT(std::string(t.at("created_at").as_string()), Catch::EndsWith("Z"));
}

TEST_CASE("every action type works and every broken rule is a 422 that appends nothing",
          "[server][api][loopback]") {
  Api api;
  const uint64_t id = api.OpenTicket("Orakel");
  const std::string actions = "/api/v1/tickets/" + std::to_string(id) + "/actions";
  HttpClient olga = api.Client("olga");
  HttpClient reader = api.Client("reader");
  auto act = [&](json::object body) {
    auto r = olga.Post(actions, body);
    INFO(json::serialize(body) << " -> " << r.body);
    REQUIRE(r.status == 201);
    return reader.Get("/api/v1/tickets/" + std::to_string(id)).Json().as_object();
  };
  auto refuse = [&](json::object body, int status, const std::string& code) {
    ExpectRefused(api, olga, "POST", actions, json::serialize(body), status, code);
  };

  refuse({{"type", "dance"}}, 400, "bad_field");
  refuse({{"body", "x"}}, 400, "missing_field");
  refuse({{"type", "reply"}}, 400, "missing_field");
  refuse({{"type", "reply"}, {"body", 5}}, 400, "bad_field");
  refuse({{"type", "stall"}, {"follow_up_at", "2030-01-01T00:00:00Z"}}, 422, "awaiting_required");
  refuse({{"type", "stall"}, {"awaiting", "logs"}}, 422, "follow_up_required");
  refuse({{"type", "stall"}, {"awaiting", "logs"}, {"follow_up_at", "soon"}}, 400, "bad_field");
  refuse({{"type", "assign"}, {"owner", "carl"}}, 422, "owner_not_in_queue");
  refuse({{"type", "resolve"}, {"solution", "  "}}, 422, "solution_required");
  refuse({{"type", "reopen"}}, 422, "not_resolved");
  refuse({{"type", "feedback_invited"}}, 422, "not_resolved");
  refuse({{"type", "move"}, {"queue", "nope"}}, 422, "unknown_queue");
  refuse({{"type", "unassign"}}, 422, "invalid_transition");
  refuse({{"type", "update"}, {"category", "chaos"}}, 400, "bad_field");

  auto t = act({{"type", "requester_message"}, {"body", "hello?"}});
  CHECK(t.at("status") == "new");
  t = act({{"type", "reply"}, {"body", "we are on it"}});
  CHECK(t.at("status") == "open");
  CHECK_FALSE(t.at("first_response_at").is_null());
  refuse({{"type", "open"}}, 422, "invalid_transition");
  t = act({{"type", "comment"}, {"body", "internal note"}});
  t = act({{"type", "assign"}, {"owner", "olga"}});
  CHECK(t.at("owner") == "olga");
  t = act({{"type", "unassign"}});
  CHECK(t.at("owner").is_null());
  t = act(
      {{"type", "stall"}, {"awaiting", "screenshot"}, {"follow_up_at", "2030-01-01T00:00:00Z"}});
  CHECK(t.at("status") == "stalled");
  CHECK(t.at("stalled").at("awaiting") == "screenshot");
  t = act({{"type", "open"}});
  CHECK(t.at("status") == "open");
  t = act({{"type", "update"}, {"description", "login; mfa"}, {"subject", "MFA"}});
  CHECK(t.at("description") == "login; mfa");
  t = act({{"type", "move"}, {"queue", "campus"}, {"reason", "team's"}});
  CHECK(t.at("queue") == "campus");
  t = act({{"type", "resolve"}, {"solution", "reset the MFA device"}});
  CHECK(t.at("status") == "resolved");
  CHECK(t.at("solution") == "reset the MFA device");
  refuse({{"type", "resolve"}, {"solution", "again"}}, 422, "already_resolved");
  refuse({{"type", "stall"}, {"awaiting", "x"}, {"follow_up_at", "2030-01-01T00:00:00Z"}}, 422,
         "invalid_transition");
  refuse({{"type", "reply"}, {"body", "late"}}, 422, "invalid_transition");
  refuse({{"type", "feedback"}, {"score", 6}}, 422, "bad_score");
  refuse({{"type", "feedback"}, {"score", "5"}}, 422, "bad_score");
  refuse({{"type", "feedback"}, {"score", 4.5}}, 422, "bad_score");
  refuse({{"type", "feedback"}}, 422, "bad_score");
  t = act({{"type", "feedback_invited"}});
  t = act({{"type", "feedback"}, {"score", 5}, {"comment", "fast"}});
  CHECK(t.at("feedback").at("score").to_number<int64_t>() == 5);
  t = act({{"type", "reopen"}, {"reason", "came back"}});
  CHECK(t.at("status") == "open");
  CHECK(t.at("reopened").to_number<int64_t>() == 1);
  t = act({{"type", "resolve"}, {"solution", "again"}});
  t = act({{"type", "requester_message"}, {"body", "still broken"}});
  CHECK(t.at("status") == "open");
  CHECK(t.at("reopened").to_number<int64_t>() == 2);

  ExpectRefused(api, olga, "POST", "/api/v1/tickets/999/actions",
                Action({{"type", "comment"}, {"body", "x"}}), 404, "not_found");
}

TEST_CASE("expected_version and event_id give conflicts and idempotent retries",
          "[server][api][loopback]") {
  Api api;
  const uint64_t id = api.OpenTicket();
  const std::string actions = "/api/v1/tickets/" + std::to_string(id) + "/actions";
  HttpClient olga = api.Client("olga");
  auto stale =
      olga.Post(actions, json::object{{"type", "comment"}, {"body", "x"}, {"expected_version", 1}});
  CHECK(stale.status == 409);
  CHECK(stale.ErrorCode() == "version_conflict");
  CHECK(stale.Json().at("current_version").to_number<uint64_t>() == 2);
  auto fresh =
      olga.Post(actions, json::object{{"type", "comment"}, {"body", "x"}, {"expected_version", 2}});
  CHECK(fresh.status == 201);
  CHECK(fresh.Json().at("version").to_number<uint64_t>() == 3);

  const std::string uuid = "6f1c1a52-3f0b-4c8e-9a57-3f2d5a0b9c11";
  json::object body{{"type", "comment"}, {"body", "once"}, {"event_id", uuid}};
  auto once = olga.Post(actions, body);
  REQUIRE(once.status == 201);
  const uint64_t length = api.FeedLength();
  auto again = olga.Post(actions, body);
  CHECK(again.status == 200);
  CHECK(again.Json() == once.Json());
  CHECK(api.FeedLength() == length);
  // The idempotency check comes before expected_version.
  body["expected_version"] = 1;
  // ...but expected_version is part of neither the content nor the check: still the replay.
  CHECK(olga.Post(actions, body).status == 200);
  json::object other{{"type", "comment"}, {"body", "twice"}, {"event_id", uuid}};
  ExpectRefused(api, olga, "POST", actions, json::serialize(other), 409, "idempotency_conflict");
  const uint64_t other_id = api.OpenTicket();
  ExpectRefused(api, olga, "POST", "/api/v1/tickets/" + std::to_string(other_id) + "/actions",
                Action({{"type", "comment"}, {"body", "once"}, {"event_id", uuid}}), 409,
                "idempotency_conflict");
  ExpectRefused(api, olga, "POST", actions,
                Action({{"type", "comment"}, {"body", "x"}, {"event_id", "nope"}}), 400,
                "bad_field");
  ExpectRefused(api, olga, "POST", actions,
                Action({{"type", "comment"}, {"body", "x"}, {"expected_version", -1}}), 400,
                "bad_field");
}

TEST_CASE("importers set occurred_at and actor, agents may not, and recorded_by is the token's",
          "[server][api][loopback]") {
  Api api;
  HttpClient importer = api.Client("importer");
  HttpClient agent = api.Client("agent");
  json::object body = Api::TicketBody();
  body["occurred_at"] = "2025-03-04T10:00:00+01:00";
  body["actor"] = "kari";
  ExpectRefused(api, agent, "POST", "/api/v1/tickets", json::serialize(body), 403, "forbidden");
  json::object only_actor = Api::TicketBody();
  only_actor["actor"] = "kari";
  ExpectRefused(api, agent, "POST", "/api/v1/tickets", json::serialize(only_actor), 403,
                "forbidden");
  auto r = importer.Post("/api/v1/tickets", body);
  REQUIRE(r.status == 201);
  const std::string id = std::to_string(r.Json().at("id").to_number<uint64_t>());
  auto history = api.Client("auditor").Get("/api/v1/tickets/" + id + "/history").Json();
  const auto& opened = history.at("events").as_array().at(0);
  CHECK(opened.at("actor") == "kari");
  CHECK(opened.at("recorded_by") == "importer");
  CHECK(opened.at("occurred_at") == "2025-03-04T09:00:00Z");
  ExpectRefused(api, importer, "POST", "/api/v1/tickets/" + id + "/actions",
                Action({{"type", "reply"}, {"body", "x"}, {"occurred_at", "2025-03-04T08:00:00Z"}}),
                422, "time_goes_backwards");
  auto reply = importer.Post("/api/v1/tickets/" + id + "/actions",
                             json::object{{"type", "reply"}, {"body", "x"}});
  CHECK(reply.status == 201);
  auto events = api.Client("auditor").Get("/api/v1/tickets/" + id + "/history").Json();
  CHECK(events.at("events").as_array().back().at("actor") == "importer");
}

TEST_CASE("an occurred_at more than five minutes ahead of the server's clock is refused",
          "[server][api][loopback]") {
  Api api;
  HttpClient importer = api.Client("importer");
  const auto head_before = api.Client("auditor").Get("/api/v1/events?after=0&limit=1000").Json();
  json::object future = Api::TicketBody();
  future["occurred_at"] = "2099-01-01T00:00:00Z";
  ExpectRefused(api, importer, "POST", "/api/v1/tickets", json::serialize(future), 422,
                "time_in_future");
  // Nothing was appended.
  CHECK(api.Client("auditor").Get("/api/v1/events?after=0&limit=1000").Json() == head_before);
  // A minute ahead (clocks differ a little) is taken.
  json::object soon = Api::TicketBody();
  soon["occurred_at"] =
      tl::ledger::FormatRfc3339(tl::ledger::SystemClockNow() + 60 * tl::ledger::kNanosPerSecond);
  CHECK(importer.Post("/api/v1/tickets", soon).status == 201);
}

TEST_CASE("history, the event feed and verify show the hash chain", "[server][api][loopback]") {
  Api api;
  const uint64_t id = api.OpenTicket();
  HttpClient auditor = api.Client("auditor");
  auto history = auditor.Get("/api/v1/tickets/" + std::to_string(id) + "/history").Json();
  const auto& events = history.at("events").as_array();
  REQUIRE(events.size() == 2);
  CHECK(events[0].at("type") == "opened");
  CHECK(events[1].at("type") == "acknowledged");
  CHECK(events[1].at("prev_hash") == events[0].at("hash"));
  for (const char* key : {"seq", "version", "type", "actor", "recorded_by", "occurred_at",
                          "recorded_at", "data", "prev_hash", "hash"}) {
    CHECK(events[0].as_object().contains(key));
  }
  CHECK(events[0].at("recorded_by") == "olga");

  auto feed = auditor.Get("/api/v1/events?limit=2").Json().at("events").as_array();
  REQUIRE(feed.size() == 2);
  CHECK(feed[0].at("seq").to_number<uint64_t>() == 1);
  CHECK(feed[0].at("prev_hash").as_string() == std::string(64, '0'));
  auto rest = auditor.Get("/api/v1/events?after=2").Json().at("events").as_array();
  CHECK(rest.size() + 2 == api.FeedLength());
  CHECK(rest[0].at("prev_hash") == feed[1].at("hash"));
  CHECK(auditor.Get("/api/v1/events?after=x").ErrorCode() == "bad_field");
  CHECK(auditor.Get("/api/v1/events?limit=0").ErrorCode() == "bad_field");
  CHECK(auditor.Get("/api/v1/tickets/999/history").ErrorCode() == "not_found");

  auto verify = auditor.Get("/api/v1/audit/verify").Json();
  CHECK(verify.at("ok").as_bool());
  CHECK(verify.at("events").to_number<uint64_t>() == api.FeedLength());
  CHECK(verify.at("head") == rest.back().at("hash"));
}

TEST_CASE("ticket lists filter, page and validate their parameters", "[server][api][loopback]") {
  Api api;
  for (int i = 0; i < 5; ++i) api.OpenTicket(i % 2 ? "campus" : "Orakel");
  HttpClient reader = api.Client("reader");
  auto all = reader.Get("/api/v1/tickets").Json();
  CHECK(all.at("tickets").as_array().size() == 5);
  CHECK(all.at("next").is_null());
  auto campus = reader.Get("/api/v1/tickets?queue=campus&status=new,open").Json();
  CHECK(campus.at("tickets").as_array().size() == 2);
  auto page = reader.Get("/api/v1/tickets?limit=2").Json();
  CHECK(page.at("tickets").as_array().size() == 2);
  REQUIRE(page.at("next").is_number());
  auto next = reader
                  .Get("/api/v1/tickets?limit=2&after=" +
                       std::to_string(page.at("next").to_number<uint64_t>()))
                  .Json();
  CHECK(next.at("tickets").as_array().at(0).at("id").to_number<uint64_t>() == 3);
  CHECK(reader.Get("/api/v1/tickets?limit=5000").status == 200);  // capped, not refused
  // Empty parameters, as in docs/api.md's own example, are absent ones.
  auto empty =
      reader.Get("/api/v1/tickets?status=new,open&queue=&service=&owner=&category=&limit=&after=");
  CHECK(empty.status == 200);
  CHECK(empty.Json().at("tickets").as_array().size() == 5);
  CHECK(reader.Get("/api/v1/tickets?status=lost").ErrorCode() == "bad_field");
  CHECK(reader.Get("/api/v1/tickets?category=chaos").ErrorCode() == "bad_field");
  CHECK(reader.Get("/api/v1/tickets?limit=ten").ErrorCode() == "bad_field");
  CHECK(reader.Get("/api/v1/tickets?after=-1").ErrorCode() == "bad_field");
}

TEST_CASE("as_of and known_at read a ticket as it was", "[server][api][loopback]") {
  Api api;
  const uint64_t id = api.OpenTicket();
  const std::string ticket = "/api/v1/tickets/" + std::to_string(id);
  HttpClient olga = api.Client("olga");
  HttpClient reader = api.Client("reader");
  const uint64_t opened_seq = api.FeedLength();
  auto before_reply = reader.Get(ticket).Json();
  auto reply = olga.Post(ticket + "/actions", json::object{{"type", "reply"}, {"body", "hi"}});
  REQUIRE(reply.status == 201);
  CHECK(reader.Get(ticket).Json().at("status") == "open");  // read-your-writes
  auto then = reader.Get(ticket + "?as_of=" + std::to_string(opened_seq)).Json();
  CHECK(then.at("status") == "new");
  CHECK(then == before_reply);
  auto by_time =
      reader.Get(ticket + "?as_of=" + std::string(before_reply.at("updated_at").as_string()));
  CHECK(by_time.Json().at("version").to_number<uint64_t>() == 2);
  auto known = reader.Get(ticket + "?known_at=2030-01-01T00:00:00Z").Json();
  CHECK(known.at("status") == "open");
  CHECK(reader.Get(ticket + "?as_of=1").ErrorCode() == "not_found");  // seq 1 is a queue
  CHECK(reader.Get(ticket + "?known_at=2000-01-01T00:00:00Z").ErrorCode() == "not_found");
  CHECK(reader.Get(ticket + "?as_of=yesterday").ErrorCode() == "bad_field");
  CHECK(reader.Get(ticket + "?known_at=12").ErrorCode() == "bad_field");
}

TEST_CASE("report endpoints are wired to the projections' reports", "[server][api][loopback]") {
  Api api;
  api.OpenTicket();
  HttpClient reader = api.Client("reader");
  HttpClient anonymous(api.server.port());
  for (const char* path :
       {"/api/v1/reports/response-times", "/api/v1/reports/volume", "/api/v1/dashboard",
        "/api/v1/reports/workload", "/api/v1/reports/misroutes", "/api/v1/reports/satisfaction",
        "/api/v1/reports/compliance", "/api/v1/followups", "/api/v1/feedback/pending"}) {
    INFO(path);
    CHECK(anonymous.Get(path).ErrorCode() == "unauthenticated");
    CHECK(reader.Send("POST", path, "{}").status == 405);
    auto r = reader.Get(path);
    CHECK(r.status == 200);
    CHECK(r.Json().is_object());
    const std::string bad = std::string(path) + "?from=yesterday&now=later&group_by=x&days=x";
    CHECK(reader.Get(bad).ErrorCode() == "bad_field");
  }
}

TEST_CASE("bodies over the limit are 413 too_large and append nothing", "[server][api][loopback]") {
  Api api;
  HttpClient olga = api.Client("olga");
  json::object body = Api::TicketBody();
  body["description"] = std::string((1u << 20) + 10, 'a');
  ExpectRefused(api, olga, "POST", "/api/v1/tickets", json::serialize(body), 413, "too_large");
  CHECK(olga.Get("/healthz").status == 200);  // and the server goes on
}

TEST_CASE("a client that expects 100-continue gets it before sending its body",
          "[server][api][loopback]") {
  Api api;
  const std::string body = json::serialize(Api::TicketBody());
  RawConnection c(api.server.port());
  REQUIRE(c.Write("POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                  api.server.token("olga") +
                  "\r\nContent-Type: application/json\r\n"
                  "Expect: 100-continue\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n"));
  bool closed = false;
  std::string interim;
  for (int i = 0; i < 100 && interim.find("\r\n\r\n") == std::string::npos && !closed; ++i) {
    interim += c.ReadUntilClose(std::chrono::milliseconds(50), &closed);
  }
  CHECK(StatusOfRaw(interim) == 100);
  REQUIRE(c.Write(body));
  std::string answer = c.ReadUntilClose(std::chrono::milliseconds(2000), &closed);
  CHECK(StatusOfRaw(answer) == 201);
}
