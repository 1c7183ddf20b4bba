// A corpus of bad input: each gets the right error or a closed connection, nothing is
// appended, and the server keeps serving.
#include <thread>

#include "tests/server/api_support.h"

using namespace tl::testing;
namespace json = boost::json;

namespace {

// Sends raw bytes on a fresh connection; returns what came back and whether it was closed.
std::string Raw(uint16_t port, const std::string& bytes, bool* closed,
                std::chrono::milliseconds wait = std::chrono::milliseconds(3000)) {
  RawConnection c(port);
  c.Write(bytes);
  return c.ReadUntilClose(wait, closed);
}

}  // namespace

TEST_CASE("malformed JSON, wrong types, huge numbers and bad UTF-8 get 400s",
          "[server][hostile][loopback]") {
  Api api;
  const uint64_t id = api.OpenTicket();
  const std::string actions = "/api/v1/tickets/" + std::to_string(id) + "/actions";
  HttpClient olga = api.Client("olga");
  const uint64_t before = api.FeedLength();
  struct Case {
    std::string target, body, code;
  };
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const std::vector<Case> corpus = {
      {actions, "{", "bad_json"},
      {actions, "{\"type\":\"comment\",\"body\":\"x\",}", "bad_json"},
      {actions, "{\"type\":\"comment\",\"body\":\"x\"} {}", "bad_json"},
      {actions, "nul", "bad_json"},
      {actions, "\"just a string\"", "bad_json"},
      {actions, "[{\"type\":\"comment\"}]", "bad_json"},
      {actions, "{\"type\":\"comment\",\"body\":" + deep + "}", "bad_json"},
      {actions, "{\"type\":\"comment\",\"body\":\"\xC3\x28\"}", "bad_json"},
      {actions, "{\"type\":\"comment\",\"body\":\"\xFF\xFE\"}", "bad_json"},
      {actions, "{\"type\":\"comment\",\"body\":\"a" + std::string(1, '\0') + "b\"}", "bad_json"},
      {actions, "{\"type\":\"comment\",\"body\":1e999999}", "bad_field"},
      {actions, "{\"type\":\"comment\",\"body\":\"x\",\"expected_version\":1e999999}", "bad_field"},
      {actions, "{\"type\":\"comment\",\"body\":\"x\",\"expected_version\":-1e999999}",
       "bad_field"},
      {actions, "{\"type\":\"comment\",\"body\":\"x\",\"expected_version\":1e30}", "bad_field"},
      {actions,
       "{\"type\":\"comment\",\"body\":\"x\",\"expected_version\":123456789012345678901234567890}",
       "bad_field"},
      {actions, "{\"type\":\"comment\",\"body\":\"x\",\"expected_version\":\"3\"}", "bad_field"},
      {actions, "{\"type\":[\"comment\"]}", "bad_field"},
      {actions, "{\"type\":\"comment\",\"body\":{\"a\":1}}", "bad_field"},
      {actions, "{\"type\":\"stall\",\"awaiting\":\"x\",\"follow_up_at\":12}", "bad_field"},
      {"/api/v1/tickets", "{\"service\":true}", "bad_field"},
      {"/api/v1/tickets", "{\"parent\":-3}", "missing_field"},
  };
  for (const Case& c : corpus) {
    auto r = olga.Post(c.target, std::string(c.body));
    INFO(c.body << " -> " << r.status << " " << r.body);
    CHECK(r.status == 400);
    CHECK(r.ErrorCode() == c.code);
  }
  CHECK(api.FeedLength() == before);
  CHECK(olga.Get("/healthz").status == 200);
}

TEST_CASE("broken HTTP, oversized heads and bodies, and garbage bytes are answered or closed",
          "[server][hostile][loopback]") {
  Api api({{}, {"--read-timeout-ms", "1000"}});
  const uint16_t port = api.server.port();
  const std::string token = api.server.token("olga");
  const uint64_t before = api.FeedLength();
  bool closed = false;

  SECTION("raw garbage") {
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
    std::string out = Raw(port, garbage, &closed);
    CHECK(closed);
    CHECK((out.empty() || StatusOfRaw(out) == 400));
  }
  SECTION("a request line that is not HTTP") {
    std::string out = Raw(port, "HELLO WORLD\r\n\r\n", &closed);
    CHECK(closed);
    CHECK(StatusOfRaw(out) == 400);
  }
  SECTION("an oversized header block") {
    std::string out = Raw(
        port,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n",
        &closed);
    CHECK(StatusOfRaw(out) == 431);
    CHECK(closed);
  }
  SECTION("a declared body over the limit is refused before it is read") {
    std::string out = Raw(port,
                          "POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                              token + "\r\nContent-Length: 99999999999\r\n\r\n{",
                          &closed);
    CHECK(StatusOfRaw(out) == 413);
    CHECK_THAT(out, Catch::Contains("too_large"));
  }
  SECTION("a chunked body over the limit") {
    std::string chunk = std::string(512 * 1024, 'a');
    std::string req = "POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                      "\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) req += "80000\r\n" + chunk + "\r\n";
    req += "0\r\n\r\n";
    std::string out = Raw(port, req, &closed);
    CHECK(StatusOfRaw(out) == 413);
  }
  SECTION("a bad Content-Length") {
    std::string out = Raw(
        port, "POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: x1\r\n\r\n", &closed);
    CHECK(StatusOfRaw(out) == 400);
  }
  SECTION("invalid UTF-8 and bad escapes in the URL") {
    std::string out = Raw(port,
                          "GET /api/v1/tickets?owner=%FF HTTP/1.1\r\nHost: x\r\n"
                          "Authorization: Bearer " +
                              token + "\r\nConnection: close\r\n\r\n",
                          &closed);
    CHECK(StatusOfRaw(out) == 400);
    CHECK_THAT(out, Catch::Contains("bad_field"));
    out =
        Raw(port, "GET /api/v1/tickets?owner=%G1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            &closed);
    CHECK((StatusOfRaw(out) == 400 || StatusOfRaw(out) == 401));
  }
  SECTION("a body shorter than its Content-Length, then silence, is dropped at the deadline") {
    RawConnection c(port);
    c.Write("POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\"");
    std::string out = c.ReadUntilClose(std::chrono::milliseconds(5000), &closed);
    CHECK(closed);
    CHECK(StatusOfRaw(out) == 0);
  }
  SECTION("a slow drip cannot hold a connection past the read deadline") {
    RawConnection c(port);
    const std::string request =
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(40, 'a') + "\r\n\r\n";
    const auto start = std::chrono::steady_clock::now();
    bool gone = false;
    for (char ch : request) {
      if (!c.Write(std::string(1, ch))) {
        gone = true;
        break;
      }
      std::string out = c.ReadUntilClose(std::chrono::milliseconds(100), &closed);
      if (closed) {
        gone = true;
        break;
      }
    }
    CHECK(gone);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  }
  SECTION("a flood of well-formed requests on one connection is answered in order") {
    std::string requests;
    for (int i = 0; i < 50; ++i) requests += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    requests += "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    std::string out = Raw(port, requests, &closed);
    size_t answers = 0;
    for (size_t at = out.find("HTTP/1.1 200"); at != std::string::npos;
         at = out.find("HTTP/1.1 200", at + 1)) {
      ++answers;
    }
    CHECK(answers == 51);
    CHECK(closed);
  }
  HttpClient reader(port, api.server.token("reader"));
  CHECK(reader.Get("/healthz").status == 200);
  CHECK(reader.Get("/api/v1/tickets").status == 200);
  CHECK(api.FeedLength() == before);
  CHECK(api.server.Alive());
}

TEST_CASE("connections beyond the cap are closed and the server goes on",
          "[server][hostile][loopback]") {
  Api api({{}, {"--max-connections", "8"}});
  const uint16_t port = api.server.port();
  // The connections of the setup must be gone first: poll until only the poller's is open.
  for (int i = 0; i < 100; ++i) {
    HttpClient poller(port);
    if (poller.Get("/metrics").body.find("ticketledger_http_connections_open 1\n") !=
        std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // and the poller's own
  // Reads one /healthz answer (the connection stays open).
  auto answer = [](RawConnection& c) {
    std::string out;
    bool closed = false;
    for (int i = 0; i < 50 && out.find("\"ok\"}") == std::string::npos && !closed; ++i) {
      out += c.ReadUntilClose(std::chrono::milliseconds(100), &closed);
    }
    return out;
  };
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<RawConnection>(port));
    held.back()->Write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(StatusOfRaw(answer(*held.back())) == 200);
  }
  RawConnection extra(port);
  extra.Write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  std::string out = extra.ReadUntilClose(std::chrono::milliseconds(3000), &closed);
  CHECK(closed);
  CHECK(out.empty());
  held.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  HttpClient anonymous(port);
  CHECK(anonymous.Get("/healthz").status == 200);
  CHECK_THAT(anonymous.Get("/metrics").body,
             Catch::Contains("ticketledger_http_connections_rejected_total 1"));
}
