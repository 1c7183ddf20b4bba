// Many clients writing to shared tickets with expected_version: optimistic concurrency over
// HTTP. Every 201 is in the history exactly once, every refusal is a 409 version_conflict, and
// the chain verifies.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tests/server/api_support.h"

using namespace tl::testing;
namespace json = boost::json;

TEST_CASE("32 clients x 200 actions on shared tickets: each 201 once, conflicts are 409",
          "[server][concurrency][loopback][slow]") {
  Api api;
  constexpr int kClients = 32, kActions = 200, kTickets = 8;
  std::vector<uint64_t> tickets;
  for (int i = 0; i < kTickets; ++i) tickets.push_back(api.OpenTicket("campus"));

  struct Acked {
    uint64_t ticket;
    uint64_t version;
    std::string body;
  };
  std::mutex mu;
  std::vector<Acked> acked;
  std::atomic<int> conflicts{0}, unexpected{0};
  std::vector<std::string> unexpected_bodies;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(api.server.port(), api.server.token("agent"));
      for (int i = 0; i < kActions; ++i) {
        const uint64_t ticket = tickets[(c + i) % kTickets];
        const std::string path = "/api/v1/tickets/" + std::to_string(ticket);
        auto state = client.Get(path);
        if (state.status != 200) {
          ++unexpected;
          continue;
        }
        const uint64_t version = state.Json().at("version").to_number<uint64_t>();
        const std::string body = "client " + std::to_string(c) + " action " + std::to_string(i);
        auto r = client.Post(
            path + "/actions",
            json::object{{"type", "comment"}, {"body", body}, {"expected_version", version}});
        if (r.status == 201) {
          std::lock_guard lock(mu);
          acked.push_back({ticket, r.Json().at("version").to_number<uint64_t>(), body});
        } else if (r.status == 409 && r.ErrorCode() == "version_conflict" &&
                   r.Json().at("current_version").to_number<uint64_t>() > version) {
          ++conflicts;
        } else {
          std::lock_guard lock(mu);
          ++unexpected;
          unexpected_bodies.push_back(std::to_string(r.status) + " " + r.body);
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  INFO((unexpected_bodies.empty() ? "" : unexpected_bodies.front()));
  CHECK(unexpected == 0);
  CHECK(acked.size() + conflicts == kClients * kActions);
  CHECK(acked.size() >= kTickets);  // progress was made on every ticket

  HttpClient auditor = api.Client("auditor");
  size_t comments = 0;
  std::map<std::string, int> seen;
  for (uint64_t ticket : tickets) {
    auto history = auditor.Get("/api/v1/tickets/" + std::to_string(ticket) + "/history").Json();
    std::set<uint64_t> versions;
    for (const auto& e : history.at("events").as_array()) {
      CHECK(versions.insert(e.at("version").to_number<uint64_t>()).second);
      if (e.at("type") != "commented") continue;
      ++comments;
      ++seen[std::string(e.at("data").at("body").as_string())];
    }
  }
  CHECK(comments == acked.size());
  for (const Acked& a : acked) {
    INFO(a.body);
    CHECK(seen[a.body] == 1);
  }
  // Each acknowledged version is that of exactly one write on its ticket.
  std::set<std::pair<uint64_t, uint64_t>> versions;
  for (const Acked& a : acked) CHECK(versions.insert({a.ticket, a.version}).second);
  auto verify = auditor.Get("/api/v1/audit/verify").Json();
  CHECK(verify.at("ok").as_bool());
  CHECK(verify.at("events").to_number<uint64_t>() == api.FeedLength());
}
