// Durability over HTTP: the server SIGKILLed under write load and restarted keeps every event it
// acknowledged, its chain verifies, and the rebuilt read models equal a fresh fold of the log.
// Graceful shutdown (SIGTERM) under load answers what is in flight and exits 0.
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "tests/server/api_support.h"

using namespace tl::testing;
namespace json = boost::json;

namespace {

struct Load {
  std::mutex mu;
  std::vector<std::string> acked_ids;  // event ids of 201-acknowledged writes
  std::atomic<bool> stop{false};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;

  // Writers that each comment on their own ticket (or open new ones) until the server goes.
  void Start(Api& api, int writers) {
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        HttpClient client(api.server.port(), api.server.token("agent"));
        for (int i = 0; !stop; ++i) {
          char uuid[40];
          std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%04x%08x", w, i);
          HttpResponse r;
          if (i % 5 == 0) {
            json::object body = Api::TicketBody("campus");
            body["event_id"] = uuid;
            r = client.Post("/api/v1/tickets", body);
          } else {
            r = client.Post("/api/v1/tickets/" + std::to_string(1 + w) + "/actions",
                            json::object{{"type", "comment"}, {"body", uuid}, {"event_id", uuid}});
          }
          if (r.status == 201) {
            std::lock_guard lock(mu);
            acked_ids.emplace_back(uuid);
          } else if (r.status == 0) {
            return;  // the server is gone
          } else {
            ++refused;
          }
        }
      });
    }
  }
  void Join() {
    stop = true;
    for (auto& t : threads) t.join();
  }
};

std::set<std::string> EventIdsInFeed(Api& api) {
  std::set<std::string> ids;
  HttpClient auditor = api.Client("auditor");
  uint64_t after = 0;
  while (true) {
    auto r = auditor.Get("/api/v1/events?limit=10000&after=" + std::to_string(after));
    REQUIRE(r.status == 200);
    const json::array events = r.Json().at("events").as_array();
    if (events.empty()) return ids;
    for (const auto& e : events) ids.insert(std::string(e.at("event_id").as_string()));
    after = events.back().at("seq").to_number<uint64_t>();
  }
}

// Every ticket as the read models hold it equals a fold of its own events.
void CheckReadModelsEqualFold(Api& api) {
  HttpClient reader = api.Client("reader");
  const uint64_t head = api.FeedLength();
  uint64_t after = 0;
  size_t checked = 0;
  while (true) {
    auto page = reader.Get("/api/v1/tickets?limit=1000&after=" + std::to_string(after)).Json();
    for (const auto& t : page.at("tickets").as_array()) {
      const std::string id = std::to_string(t.at("id").to_number<uint64_t>());
      auto folded = reader.Get("/api/v1/tickets/" + id + "?as_of=" + std::to_string(head));
      REQUIRE(folded.status == 200);
      CHECK(folded.Json() == t);
      ++checked;
    }
    if (page.at("next").is_null()) break;
    after = page.at("next").to_number<uint64_t>();
  }
  CHECK(checked > 0);
}

// Everything the read models answer: every ticket (all pages) and every report.
std::vector<std::string> ReadModelAnswers(Api& api) {
  HttpClient reader = api.Client("reader");
  std::vector<std::string> answers;
  uint64_t after = 0;
  while (true) {
    auto page = reader.Get("/api/v1/tickets?limit=1000&after=" + std::to_string(after));
    answers.push_back(page.body);
    auto v = page.Json();
    if (v.at("next").is_null()) break;
    after = v.at("next").to_number<uint64_t>();
  }
  for (const char* path :
       {"/api/v1/reports/response-times?category=all", "/api/v1/reports/volume?category=all",
        "/api/v1/dashboard", "/api/v1/reports/workload", "/api/v1/reports/misroutes",
        "/api/v1/reports/satisfaction", "/api/v1/reports/compliance", "/api/v1/followups",
        "/api/v1/feedback/pending"}) {
    auto r = reader.Get(path);
    answers.push_back(std::to_string(r.status) + " " + r.body);
  }
  return answers;
}

}  // namespace

TEST_CASE("a server SIGKILLed under write load keeps every acknowledged event",
          "[server][crash][loopback][slow]") {
  // The write path with its tunings (the default) and without (docs/benchmarks.md, "Tuning").
  const bool plain = GENERATE(false, true);
  INFO("plain write path: " << plain);
  ServerProcess::Options options;
  if (plain) options.extra_args = {"--plain-write-path"};
  Api api(options);
  constexpr int kWriters = 8;
  for (int i = 0; i < kWriters; ++i) api.OpenTicket("campus");
  Load load;
  load.Start(api, kWriters);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  api.server.Kill();
  load.Join();
  CHECK(load.refused == 0);
  REQUIRE(load.acked_ids.size() > 10);

  api.server.Start();
  const std::set<std::string> stored = EventIdsInFeed(api);
  size_t missing = 0;
  for (const std::string& id : load.acked_ids) missing += stored.count(id) == 0;
  CHECK(missing == 0);
  auto verify = api.Client("auditor").Get("/api/v1/audit/verify").Json();
  CHECK(verify.at("ok").as_bool());
  CheckReadModelsEqualFold(api);
  // The read models after the restart (checkpoints, if any, plus the log's tail) answer exactly
  // what a replay of the whole log answers.
  const std::vector<std::string> restarted = ReadModelAnswers(api);
  REQUIRE(api.server.Stop() == 0);
  ServerProcess::Options rebuild;
  rebuild.data_dir = api.server.data_dir();
  rebuild.extra_args = {"--rebuild"};
  {
    Api replayed_api(rebuild, false);
    CHECK(ReadModelAnswers(replayed_api) == restarted);
  }
  api.server.Start();
  // The restarted server takes writes again, with ids that continue without gaps.
  const uint64_t next = api.OpenTicket();
  auto list =
      api.Client("reader").Get("/api/v1/tickets?limit=1000&after=" + std::to_string(next - 1));
  CHECK(list.Json().at("tickets").as_array().size() == 1);
}

TEST_CASE("SIGTERM under write load answers what is in flight and exits cleanly",
          "[server][shutdown][loopback][slow]") {
  Api api;
  constexpr int kWriters = 8;
  for (int i = 0; i < kWriters; ++i) api.OpenTicket("campus");
  Load load;
  load.Start(api, kWriters);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  CHECK(api.server.Stop() == 0);
  load.Join();
  CHECK(load.refused == 0);
  const std::string err = api.server.Stderr();
  CHECK_THAT(err, Catch::Contains("\"message\":\"stopped\""));
  api.server.Start();
  const std::set<std::string> stored = EventIdsInFeed(api);
  for (const std::string& id : load.acked_ids) CHECK(stored.count(id) == 1);
  CheckReadModelsEqualFold(api);
}

TEST_CASE("SIGKILL between appending and signing, round after round, keeps the tree provable",
          "[server][crash][audit][loopback][slow]") {
  Api api;
  constexpr int kWriters = 4;
  for (int i = 0; i < kWriters; ++i) api.OpenTicket("campus");
  std::mt19937 random(20261205);
  std::vector<std::string> acked;
  // The checkpoints seen so far (their signed notes): every later tree must extend each.
  std::vector<tl::tlog::Checkpoint> seen;
  tl::tlog::NoteVerifier key = *tl::tlog::NoteVerifier::Parse([&] {
    std::string k = api.Client("reader").Get("/api/v1/audit/key").body;
    return k.substr(0, k.size() - 1);
  }());
  for (int round = 0; round < 5; ++round) {
    INFO("round " << round);
    Load load;
    load.Start(api, kWriters);
    // Somewhere within the signer's second: the log has grown past its latest checkpoint.
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(200, 1400)(random)));
    if (auto r = api.Client("reader").Get("/api/v1/audit/checkpoint"); r.status == 200) {
      auto c = tl::tlog::OpenCheckpoint(r.body, key);
      REQUIRE(c.ok());
      seen.push_back(*c);
    }
    api.server.Kill();
    load.Join();
    acked.insert(acked.end(), load.acked_ids.begin(), load.acked_ids.end());
    api.server.Start();

    // Nothing acknowledged is missing; the log, its tree and the latest checkpoint verify.
    const std::set<std::string> stored = EventIdsInFeed(api);
    for (const std::string& id : acked) CHECK(stored.count(id) == 1);
    auto verify = api.Client("auditor").Get("/api/v1/audit/verify").Json();
    CHECK(verify.at("ok").as_bool());
    CHECK(HttpClient(api.server.port()).Get("/readyz").status == 200);
    // The tree now extends every checkpoint signed before the kills.
    const uint64_t head = verify.at("events").to_number<uint64_t>();
    for (const tl::tlog::Checkpoint& before : seen) {
      auto proof = api.Client("auditor").Get(
          "/api/v1/audit/proof/consistency?from=" + std::to_string(before.size) +
          "&to=" + std::to_string(head));
      REQUIRE(proof.status == 200);
      std::vector<tl::tlog::Hash> hashes;
      const json::value proof_json = proof.Json();
      for (const auto& h : proof_json.at("proof").as_array()) {
        hashes.push_back(*tl::tlog::HashFromBase64(std::string(h.as_string())));
      }
      // The root of the tree of `head` as a proof of its last leaf shows it.
      auto last =
          api.Client("auditor").Get("/api/v1/audit/proof/inclusion?seq=" + std::to_string(head) +
                                    "&size=" + std::to_string(head));
      REQUIRE(last.status == 200);
      std::vector<tl::tlog::Hash> path;
      const json::value last_json = last.Json();
      for (const auto& h : last_json.at("proof").as_array()) {
        path.push_back(*tl::tlog::HashFromBase64(std::string(h.as_string())));
      }
      auto entry = tl::tlog::Base64Decode(std::string(last_json.at("entry").as_string()));
      REQUIRE(entry.ok());
      auto root = tl::tlog::RootFromInclusionProof(tl::tlog::LeafHash(*entry),
                                                   static_cast<int64_t>(head - 1),
                                                   static_cast<int64_t>(head), path);
      REQUIRE(root.ok());
      CHECK(tl::tlog::VerifyConsistency(before.size, static_cast<int64_t>(head), before.root, *root,
                                        hashes)
                .ok());
    }
  }
  CHECK(seen.size() >= 3);
}
