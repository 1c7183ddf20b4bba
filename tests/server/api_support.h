// Shared helpers of the HTTP tests: a running server with the standard reference data and one
// client per role.
#pragma once

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <exception>
#include <memory>
#include <string>

#include "tests/support/http_client.h"
#include "tests/support/server_process.h"

namespace tl::testing {

namespace json = boost::json;

// How many events the feed (/api/v1/events) hands out, read page by page as `auditor_token`.
inline uint64_t FeedLength(uint16_t port, const std::string& auditor_token) {
  HttpClient auditor(port, auditor_token);
  uint64_t count = 0, after = 0;
  while (true) {
    auto r = auditor.Get("/api/v1/events?limit=10000&after=" + std::to_string(after));
    REQUIRE(r.status == 200);
    const json::array events = r.Json().at("events").as_array();
    if (events.empty()) return count;
    count += events.size();
    after = events.back().at("seq").to_number<uint64_t>();
  }
}

struct Api {
  // Starts a server; on a fresh ledger (define_reference) defines the standard reference data.
  explicit Api(ServerProcess::Options options = {}, bool define_reference = true)
      : server(std::move(options)) {
    server.Start();
    if (define_reference) DefineStandardReferenceOverHttp(server.port(), server.token("admin"));
  }

  // A server that does not shut down cleanly (exit 0) fails the test: under the sanitizers
  // that is how a leak or undefined behaviour in the server process shows.
  ~Api() {
    if (server.running() && std::uncaught_exceptions() == 0) CHECK(server.Stop() == 0);
  }

  HttpClient Client(const std::string& who) { return HttpClient(server.port(), server.token(who)); }

  // The number of events in the global feed (as the auditor sees it).
  uint64_t FeedLength() { return testing::FeedLength(server.port(), server.token("auditor")); }

  // Opens a support ticket in `queue` as olga; returns its id.
  uint64_t OpenTicket(const std::string& queue = "Orakel") {
    HttpClient olga = Client("olga");
    auto r = olga.Post("/api/v1/tickets", TicketBody(queue));
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.Json().at("id").to_number<uint64_t>();
  }

  static json::object TicketBody(const std::string& queue = "Orakel") {
    return json::object{{"service", "Identitet_Feide"},
                        {"category", "support"},
                        {"description", "login, password reset"},
                        {"queue", queue},
                        {"requester", "kari@uni.no"},
                        {"channel", "email"},
                        {"subject", "Cannot log in"}};
  }

  ServerProcess server;
};

}  // namespace tl::testing
