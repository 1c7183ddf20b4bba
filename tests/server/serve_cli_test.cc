// `ticketledger token` and `serve` as an operator uses them: making tokens, starting with a
// token file, the access log, refusing to start on bad input.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "server/auth.h"
#include "tests/server/api_support.h"
#include "tests/support/subprocess.h"

using namespace tl::testing;
namespace json = boost::json;

TEST_CASE("token prints a fresh token and the token-file line for it", "[server][cli]") {
  auto run = RunCommand({TicketledgerBinary(), "token", "--role", "agent", "--actor", "olga"});
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("token: "));
  auto quiet =
      RunCommand({TicketledgerBinary(), "token", "--role", "admin", "--actor", "root", "--quiet"});
  REQUIRE(quiet.exit_code == 0);
  std::istringstream lines(quiet.out);
  std::string token, line;
  std::getline(lines, token);
  std::getline(lines, line);
  CHECK(token.size() == 64);
  CHECK_THAT(line, Catch::EndsWith(" admin root"));
  CHECK(line.find(token) == std::string::npos);  // only the hash goes in the file
  CHECK(RunCommand({TicketledgerBinary(), "token", "--role", "wizard", "--actor", "x"}).exit_code ==
        2);
}

TEST_CASE("serve refuses a bad token file or listen address", "[server][cli]") {
  TempDir dir;
  {
    std::ofstream tokens(dir.Sub("tokens"));
    tokens << "not a valid line\n";
  }
  auto bad_tokens = RunCommand({TicketledgerBinary(), "serve", "--data", dir.Sub("data"),
                                "--tokens", dir.Sub("tokens"), "--listen", "127.0.0.1:0"});
  CHECK(bad_tokens.exit_code == 2);
  CHECK_THAT(bad_tokens.err, Catch::Contains("line 1"));
  auto bad_listen = RunCommand({TicketledgerBinary(), "serve", "--data", dir.Sub("data"),
                                "--tokens", dir.Sub("missing"), "--listen", "nowhere"});
  CHECK(bad_listen.exit_code == 2);
}

TEST_CASE("serve refuses a token file anyone may write, and warns of one anyone may read",
          "[server][cli]") {
  TempDir dir;
  { std::ofstream tokens(dir.Sub("tokens")); }  // no tokens: the server still starts
  namespace fs = std::filesystem;
  fs::permissions(dir.Sub("tokens"), fs::perms::owner_read | fs::perms::owner_write |
                                         fs::perms::others_read | fs::perms::others_write);
  auto writable = RunCommand({TicketledgerBinary(), "serve", "--data", dir.Sub("data"), "--tokens",
                              dir.Sub("tokens"), "--listen", "127.0.0.1:0"});
  CHECK(writable.exit_code == 2);
  CHECK_THAT(writable.err, Catch::Contains("may be written by anyone"));

  // Readable by anyone: taken, with a warning (it holds hashes only, but says who has which role).
  fs::permissions(dir.Sub("tokens"), fs::perms::others_write, fs::perm_options::remove);
  std::string warning;
  REQUIRE(tl::server::Authenticator::Load(dir.Sub("tokens"), &warning).ok());
  CHECK_THAT(warning, Catch::Contains("may be read by anyone"));
  fs::permissions(dir.Sub("tokens"), fs::perms::others_read, fs::perm_options::remove);
  warning.clear();
  REQUIRE(tl::server::Authenticator::Load(dir.Sub("tokens"), &warning).ok());
  CHECK(warning.empty());
}

TEST_CASE("each request leaves one JSON access-log line without the token",
          "[server][cli][loopback]") {
  Api api;
  HttpClient olga = api.Client("olga");
  REQUIRE(olga.Get("/api/v1/tickets?owner=x").status == 200);
  // The request id: the client's when plain, else one of the server's; always answered back.
  auto traced = olga.Send("GET", "/api/v1/queues", "", {{"X-Request-Id", "trace-42.a"}});
  CHECK(traced.headers["x-request-id"] == "trace-42.a");
  auto odd = olga.Send("GET", "/api/v1/queues", "", {{"X-Request-Id", "no spaces {allowed}"}});
  const std::string generated = odd.headers["x-request-id"];
  CHECK(generated.size() == 16);
  CHECK(generated.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(olga.Get("/api/v1/queues").headers["x-request-id"] != generated);
  REQUIRE(olga.Post("/api/v1/tickets", Api::TicketBody()).status == 201);
  HttpClient anonymous(api.server.port());
  REQUIRE(anonymous.Get("/api/v1/tickets").status == 401);
  // A line is written once its answer has been sent, so the last one may trail the answer.
  std::string err = api.server.Stderr();
  for (int i = 0; i < 100 && err.find("\"status\":401") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    err = api.server.Stderr();
  }
  CHECK(err.find(api.server.token("olga")) == std::string::npos);
  CHECK(err.find(api.server.token("admin")) == std::string::npos);
  std::istringstream lines(err);
  std::string line;
  int requests = 0;
  bool saw_post = false, saw_401 = false, saw_traced = false, saw_start = false;
  while (std::getline(lines, line)) {
    // Every line is JSON with a time, a level and a message.
    auto v = json::parse(line).as_object();
    CHECK(v.contains("time"));
    CHECK(v.contains("level"));
    if (v.at("message") == "starting") {
      saw_start = true;
      CHECK(v.contains("version"));
      CHECK(v.contains("data"));
    }
    if (!v.contains("method")) continue;
    ++requests;
    for (const char* key : {"time", "level", "message", "request_id", "method", "path", "status",
                            "duration_ms", "actor"}) {
      CHECK(v.contains(key));
    }
    CHECK(v.at("level") == "info");
    CHECK(v.at("message") == "request");
    if (v.at("request_id") == "trace-42.a") saw_traced = true;
    if (v.at("method") == "POST" && v.at("path") == "/api/v1/tickets") {
      saw_post = true;
      CHECK(v.at("status").to_number<int64_t>() == 201);
      CHECK(v.at("actor") == "olga");
    }
    if (v.at("status").to_number<int64_t>() == 401) {
      saw_401 = true;
      CHECK(v.at("actor").is_null());
    }
  }
  CHECK(saw_post);
  CHECK(saw_401);
  CHECK(saw_traced);
  CHECK(saw_start);
  CHECK(requests >= 11);  // 5 reference PUTs, the readiness probe, and the six above
}

TEST_CASE("the log level warn silences the access log but not the warnings",
          "[server][cli][loopback]") {
  ServerProcess::Options options;
  options.extra_args = {"--log-level", "warn"};
  Api api(options);
  HttpClient olga = api.Client("olga");
  REQUIRE(olga.Get("/api/v1/queues").status == 200);
  CHECK(api.server.Stop() == 0);
  const std::string err = api.server.Stderr();
  CHECK(err.find("\"message\":\"request\"") == std::string::npos);
  CHECK(err.find("\"message\":\"starting\"") == std::string::npos);
  auto bad = RunCommand(
      {TicketledgerBinary(), "serve", "--data", "d", "--tokens", "t", "--log-level", "chatty"});
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.err, Catch::Contains("chatty"));
}
