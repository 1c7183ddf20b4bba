// Strict input: JSON bodies, typed fields, UTF-8, URL targets, and the commands they become.
#include "server/json_input.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "ledger/domain/utf8.h"
#include "server/command_parsing.h"
#include "server/error_mapping.h"

using namespace tl;
using namespace tl::server;
namespace json = boost::json;

namespace {

std::string CodeOf(const Status& s) { return std::string(s.reason()); }

}  // namespace

TEST_CASE("a body must be one JSON object within the depth limit", "[server][json]") {
  CHECK(ParseJsonObject("{\"a\":1}").ok());
  CHECK(CodeOf(ParseJsonObject("").status()) == "bad_json");
  CHECK(CodeOf(ParseJsonObject("[1,2]").status()) == "bad_json");
  CHECK(CodeOf(ParseJsonObject("{\"a\":").status()) == "bad_json");
  CHECK(CodeOf(ParseJsonObject("{\"a\":1} trailing").status()) == "bad_json");
  CHECK(CodeOf(ParseJsonObject("{'a':1}").status()) == "bad_json");
  std::string deep = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  CHECK(CodeOf(ParseJsonObject("{\"a\":" + deep + "}").status()) == "bad_json");
  CHECK(HttpErrorFor(ParseJsonObject("").status()).status == 400);
  CHECK(HttpErrorFor(ParseJsonObject("").status()).code == "bad_json");
}

TEST_CASE("invalid UTF-8 is refused in bodies and in URLs", "[server][json]") {
  CHECK(CodeOf(ParseJsonObject("{\"a\":\"\xC3\x28\"}").status()) == "bad_json");
  CHECK(CodeOf(ParseJsonObject("{\"a\":\"\xED\xA0\x80\"}").status()) == "bad_json");  // surrogate
  CHECK(ledger::IsValidUtf8("plain ascii"));
  CHECK(ledger::IsValidUtf8("l\xC3\xB8st \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(ledger::IsValidUtf8("\xC0\xAF"));          // overlong
  CHECK_FALSE(ledger::IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(ledger::IsValidUtf8("\xE2\x82"));          // truncated
  std::string path;
  QueryParams query;
  CHECK(ParseTarget("/api/v1/queues/%FF", &path, &query).code() == StatusCode::kInvalidArgument);
  CHECK(ParseTarget("/x?a=%2", &path, &query).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("targets are percent-decoded into a path and parameters", "[server][json]") {
  std::string path;
  QueryParams query;
  REQUIRE(ParseTarget("/api/v1/services/Identitet%5FFeide?owner=ola+nordmann&status=new,open&x",
                      &path, &query)
              .ok());
  CHECK(path == "/api/v1/services/Identitet_Feide");
  CHECK(query.at("owner") == "ola nordmann");
  CHECK(query.at("status") == "new,open");
  CHECK(query.at("x").empty());
}

TEST_CASE("typed fields say which field is wrong", "[server][json]") {
  auto o = ParseJsonObject(
      R"({"s":"x","n":5,"neg":-1,"big":1e300,"b":true,"t":"2026-01-05T09:00:00+01:00"})");
  REQUIRE(o.ok());
  CHECK(*OptionalString(*o, "s").value() == "x");
  CHECK(CodeOf(OptionalString(*o, "n").status()) == "bad_field");
  CHECK(CodeOf(RequiredString(*o, "absent").status()) == "missing_field");
  CHECK(*OptionalUnsigned(*o, "n").value() == 5);
  CHECK(CodeOf(OptionalUnsigned(*o, "neg").status()) == "bad_field");
  CHECK(CodeOf(OptionalUnsigned(*o, "big").status()) == "bad_field");
  CHECK(*OptionalBool(*o, "b").value());
  CHECK(*OptionalTime(*o, "t").value() == 1767600000LL * 1'000'000'000);
  CHECK(CodeOf(OptionalTime(*o, "s").status()) == "bad_field");
}

TEST_CASE("action bodies become ticket actions, leaving rule-judged fields empty",
          "[server][json]") {
  auto parse = [](const char* text) { return ParseTicketAction(*ParseJsonObject(text)); };
  CHECK(CodeOf(parse(R"({"body":"x"})").status()) == "missing_field");
  CHECK(CodeOf(parse(R"({"type":"dance"})").status()) == "bad_field");
  CHECK(CodeOf(parse(R"({"type":7})").status()) == "bad_field");
  auto stall = parse(R"({"type":"stall"})");
  REQUIRE(stall.ok());
  CHECK_FALSE(std::get<ledger::Stall>(*stall).awaiting.has_value());
  CHECK(CodeOf(parse(R"({"type":"stall","awaiting":"x","follow_up_at":"tomorrow"})").status()) ==
        "bad_field");
  for (const char* score : {R"("5")", "4.5", "1e3", "99999999999999999999", "null"}) {
    auto feedback = parse((std::string(R"({"type":"feedback","score":)") + score + "}").c_str());
    REQUIRE(feedback.ok());
    const auto& f = std::get<ledger::GiveFeedback>(*feedback);
    CHECK((!f.score || *f.score > 5));
  }
  CHECK(*std::get<ledger::GiveFeedback>(*parse(R"({"type":"feedback","score":4})")).score == 4);
  CHECK(CodeOf(parse(R"({"type":"update","category":"chaos"})").status()) == "bad_field");
}

TEST_CASE("only an importer may set occurred_at, actor or external_ref", "[server][json]") {
  auto body = *ParseJsonObject(R"({"occurred_at":"2026-01-05T09:00:00Z","actor":"kari"})");
  bool forbidden = false;
  auto agent = ParseCommandMeta(body, Principal{Role::kAgent, "ola"}, &forbidden);
  CHECK_FALSE(agent.ok());
  CHECK(forbidden);
  auto importer = ParseCommandMeta(body, Principal{Role::kImporter, "loader"}, &forbidden);
  REQUIRE(importer.ok());
  CHECK_FALSE(forbidden);
  CHECK(importer->actor == "kari");
  CHECK(importer->recorded_by == "loader");
  auto bad_id = ParseCommandMeta(*ParseJsonObject(R"({"event_id":"not-a-uuid"})"),
                                 Principal{Role::kAgent, "ola"}, &forbidden);
  CHECK(CodeOf(bad_id.status()) == "bad_field");
  CHECK_FALSE(forbidden);
}

TEST_CASE("one table maps every status code to HTTP", "[server][errors]") {
  auto check = [](const Status& s, int http, std::string_view code) {
    INFO(s.ToString());
    CHECK(HttpErrorFor(s).status == http);
    CHECK(HttpErrorFor(s).code == code);
  };
  check(Status::MissingField("x"), 400, "missing_field");
  check(Status::BadField("x"), 400, "bad_field");
  check(Status::NotFound("x"), 404, "not_found");
  check(Status::PermissionDenied("x"), 403, "forbidden");
  check(Status::VersionConflict("x", 3), 409, "version_conflict");
  check(Status::IdempotencyConflict("x"), 409, "idempotency_conflict");
  check(Status::Rule("owner_not_in_queue", "x"), 422, "owner_not_in_queue");
  check(Status::ResourceExhausted("x"), 503, "storage_full");
  check(Status::Unavailable("x"), 503, "unavailable");
  check(Status::LedgerCorrupt("x"), 503, "ledger_corrupt");
  check(Status::DataLoss("seq 4: hash mismatch"), 500, "corruption");
  check(Status::Internal("x"), 500, "internal");
  Response conflict = StatusResponse(Status::VersionConflict("stale", 7));
  CHECK(conflict.status == 409);
  auto body = json::parse(conflict.body).as_object();
  CHECK(body.at("current_version").to_number<uint64_t>() == 7);
  CHECK(body.at("error").at("code").as_string() == "version_conflict");
  Response unavailable = StatusResponse(Status::Unavailable("disk on fire at /var/x"));
  CHECK(unavailable.status == 503);
  CHECK(unavailable.body.find("/var/x") == std::string::npos);  // details stay in the log
}
