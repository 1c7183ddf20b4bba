// Storage faults as a client sees them: the server wired as `ticketledger serve` wires it
// (server::Stack), in this process, on loopback HTTP, with faults injected under its ledger
// (ledger/store/fault_injection.h). For each fault: writes answer 503 with the API's error body
// (storage_full for a full disk, unavailable for a failed one) and append nothing (the event
// feed keeps its length); reads go on (a ticket, a report, the feed, /readyz); and writes come
// back as docs/operations.md ("Storage faults") says: in the same process once space is back
// after a flush ran out of it, after a restart once the WAL failed.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ledger/store/fault_injection.h"
#include "server/auth.h"
#include "server/stack.h"
#include "tests/server/api_support.h"
#include "tests/support/http_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using namespace tl;
using namespace tl::testing;
using ledger::FaultInjector;
using ledger::FileKind;
namespace json = boost::json;

namespace {

// Polls give up after this long: only a broken server takes it.
constexpr auto kPatience = std::chrono::seconds(60);

// A Stack on a free loopback port with its own tokens, reference data and fault injector.
class FaultyServer {
 public:
  explicit FaultyServer(const std::string& tuning) {
    std::string tokens;
    for (const char* who : {"admin", "olga", "auditor", "reader"}) {
      auto t = server::GenerateToken();
      REQUIRE(t.ok());
      tokens_[who] = t->token;
      const std::string role = std::string(who) == "olga" ? "agent" : who;
      tokens += t->sha256_hex + " " + role + " " + who + "\n";
    }
    auto auth = server::Authenticator::Parse(tokens);
    REQUIRE(auth.ok());
    auth_ = std::move(auth).value();
    if (tuning == "plain") tuning_ = ledger::LogOptions::Tuning::Plain();
    Start(/*faults=*/true);
    DefineStandardReferenceOverHttp(port(), token("admin"));
  }
  ~FaultyServer() {
    if (stack_) stack_->Close().PermitUncheckedError();
  }

  // A graceful stop and a start on the same ledger, without faults: what an operator does.
  void Restart() {
    // The read models' checkpoint at shutdown may fail on the broken store; that is logged.
    stack_->Close().PermitUncheckedError();
    stack_.reset();
    Start(/*faults=*/false);
  }

  uint16_t port() const { return stack_->port(); }
  const std::string& token(const std::string& who) const { return tokens_.at(who); }
  HttpClient Client(const std::string& who) const { return HttpClient(port(), token(who)); }
  FaultInjector& injector() { return *injector_; }
  ledger::EventLog& log() { return stack_->log(); }

  uint64_t FeedLength() { return testing::FeedLength(port(), token("auditor")); }

  HttpResponse OpenTicket() { return Client("olga").Post("/api/v1/tickets", Api::TicketBody()); }

 private:
  void Start(bool faults) {
    server::StackOptions options;
    options.data_dir = dir_.Sub("data");
    options.server.port = 0;
    options.server.threads = 2;
    options.server.access_log = false;
    options.log.tuning = tuning_;
    if (faults) options.log.fault_injector = injector_;
    auto stack = server::Stack::Start(std::move(options), auth_);
    INFO(stack.status().ToString());
    REQUIRE(stack.ok());
    stack_ = std::move(stack).value();
  }

  TempDir dir_;
  std::map<std::string, std::string> tokens_;
  server::Authenticator auth_;
  ledger::LogOptions::Tuning tuning_;
  std::shared_ptr<FaultInjector> injector_ = std::make_shared<FaultInjector>();
  std::unique_ptr<server::Stack> stack_;
};

// A refused write as docs/api.md has it: 503, the error body with `code`, nothing else.
void CheckRefused(const HttpResponse& r, const std::string& code) {
  INFO(r.body);
  CHECK(r.status == 503);
  CHECK(r.ErrorCode() == code);
  CHECK(r.Json().at("error").at("message").as_string().size() > 0);
}

// A write taken after the refusals: 201, and the feed grew by its events (it ends at its seq).
void CheckTaken(FaultyServer& s, const HttpResponse& r, uint64_t feed_before) {
  INFO(r.body);
  REQUIRE(r.status == 201);
  const uint64_t seq = r.Json().at("seq").to_number<uint64_t>();
  CHECK(seq > feed_before);
  CHECK(s.FeedLength() == seq);
}

// What still works while writes are refused: a ticket, a report, the feed, readiness.
void CheckReadsServed(FaultyServer& s, uint64_t ticket) {
  HttpClient reader = s.Client("reader");
  auto got = reader.Get("/api/v1/tickets/" + std::to_string(ticket));
  INFO(got.body);
  CHECK(got.status == 200);
  CHECK(got.Json().at("id").to_number<uint64_t>() == ticket);
  CHECK(reader.Get("/api/v1/reports/volume").status == 200);
  CHECK(s.Client("auditor").Get("/api/v1/events?limit=5").status == 200);
  // Readiness is about the read models, which are up to date: reads should still reach it.
  HttpClient anyone(s.port());
  CHECK(anyone.Get("/readyz").status == 200);
  CHECK(anyone.Get("/healthz").status == 200);
}

}  // namespace

TEST_CASE(
    "a full disk under the WAL answers 503 storage_full, serves reads, and a restart "
    "takes writes again",
    "[server][fault][loopback]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  FaultyServer s(tuning);
  auto first = s.OpenTicket();
  REQUIRE(first.status == 201);
  const uint64_t ticket = first.Json().at("id").to_number<uint64_t>();
  const uint64_t feed = s.FeedLength();

  s.injector().NoSpace(FileKind::kWal);
  CheckRefused(s.OpenTicket(), "storage_full");
  CheckRefused(s.Client("olga").Post("/api/v1/tickets/" + std::to_string(ticket) + "/actions",
                                     json::object{{"type", "comment"}, {"body", "still there?"}}),
               "storage_full");
  CHECK(s.FeedLength() == feed);
  CheckReadsServed(s, ticket);

  // Space back: the WAL failed, so this process keeps refusing (docs/operations.md).
  s.injector().SpaceIsBack();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CheckRefused(s.OpenTicket(), "storage_full");
  CHECK(s.FeedLength() == feed);

  s.Restart();
  CHECK(s.FeedLength() == feed);
  CheckTaken(s, s.OpenTicket(), feed);
  CheckReadsServed(s, ticket);
}

TEST_CASE(
    "a full disk met by a flush answers 503 storage_full until space is back, in the "
    "same process",
    "[server][fault][loopback]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  FaultyServer s(tuning);
  auto first = s.OpenTicket();
  REQUIRE(first.status == 201);
  const uint64_t ticket = first.Json().at("id").to_number<uint64_t>();

  s.injector().NoSpace(FileKind::kTable);
  REQUIRE(s.log().StartFlush().ok());
  // Writes are taken until the flush fails; from then on they are refused.
  HttpResponse refused;
  const auto give_up = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < give_up) {
    refused = s.OpenTicket();
    if (refused.status != 201) break;
  }
  CheckRefused(refused, "storage_full");
  const uint64_t feed = s.FeedLength();
  CheckRefused(s.OpenTicket(), "storage_full");
  CHECK(s.FeedLength() == feed);
  CheckReadsServed(s, ticket);

  s.injector().SpaceIsBack();
  HttpResponse resumed;
  const auto resume_by = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < resume_by) {
    resumed = s.OpenTicket();
    if (resumed.status != 503) break;
    CHECK(resumed.ErrorCode() == "storage_full");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CheckTaken(s, resumed, feed);
  CheckReadsServed(s, ticket);
}

TEST_CASE(
    "a failed fsync answers 503 unavailable, serves reads, and a restart takes writes "
    "again",
    "[server][fault][loopback]") {
  const std::string tuning = GENERATE("tuned", "plain");
  INFO("write path: " << tuning);
  FaultyServer s(tuning);
  auto first = s.OpenTicket();
  REQUIRE(first.status == 201);
  const uint64_t ticket = first.Json().at("id").to_number<uint64_t>();
  const uint64_t feed = s.FeedLength();

  s.injector().FailSyncs(FileKind::kWal, 1);
  CheckRefused(s.OpenTicket(), "unavailable");
  s.injector().Clear();
  CheckRefused(s.OpenTicket(), "unavailable");  // no fsync is tried again on that file
  CHECK(s.FeedLength() == feed);
  CheckReadsServed(s, ticket);

  s.Restart();
  CHECK(s.FeedLength() == feed);
  CheckTaken(s, s.OpenTicket(), feed);
}

namespace {

// The ids GET /api/v1/tickets?requester=ADDR lists.
std::vector<uint64_t> TicketsOfRequester(FaultyServer& s, const std::string& address) {
  auto r = s.Client("olga").Get("/api/v1/tickets?requester=" + address);
  INFO(r.body);
  REQUIRE(r.status == 200);
  const json::value body = r.Json();
  std::vector<uint64_t> ids;
  for (const json::value& t : body.at("tickets").as_array()) {
    ids.push_back(t.at("id").to_number<uint64_t>());
  }
  return ids;
}

HttpResponse OpenTicketOf(FaultyServer& s, const std::string& requester) {
  json::object body = Api::TicketBody();
  body["requester"] = requester;
  return s.Client("olga").Post("/api/v1/tickets", body);
}

}  // namespace

// The requester index records a batch's digests in the key store before the batch is written
// to the log (docs/privacy.md, "The requester index"): a batch that then fails leaves digests
// that no event backs, which the lookup must not answer.
TEST_CASE("a requester index digest of an append that failed finds no ticket",
          "[server][fault][privacy][loopback]") {
  FaultyServer s("tuned");
  auto first = OpenTicketOf(s, "kari@uni.no");
  REQUIRE(first.status == 201);
  const uint64_t ticket = first.Json().at("id").to_number<uint64_t>();
  // Faults are injected until the first restart (FaultyServer): one failed batch per section.
  s.injector().FailSyncs(FileKind::kWal, 1);

  SECTION("an update of the requester") {
    // Its digest is in the key store, the update is not in the log.
    CheckRefused(
        s.Client("olga").Post("/api/v1/tickets/" + std::to_string(ticket) + "/actions",
                              json::object{{"type", "update"}, {"requester", "dora@uni.no"}}),
        "unavailable");
    s.Restart();
    CHECK(TicketsOfRequester(s, "dora@uni.no").empty());
    CHECK(TicketsOfRequester(s, "kari@uni.no") == std::vector<uint64_t>{ticket});
  }
  SECTION("an open") {
    // Its id, with carl's digest, goes to the next open, erin's.
    CheckRefused(OpenTicketOf(s, "carl@uni.no"), "unavailable");
    s.Restart();
    auto next = OpenTicketOf(s, "erin@uni.no");
    INFO(next.body);
    REQUIRE(next.status == 201);
    const uint64_t erin = next.Json().at("id").to_number<uint64_t>();
    CHECK(erin == ticket + 1);  // the id the failed open had
    CHECK(TicketsOfRequester(s, "carl@uni.no").empty());
    CHECK(TicketsOfRequester(s, "erin@uni.no") == std::vector<uint64_t>{erin});
    auto erase = s.Client("admin").Post(
        "/api/v1/privacy/erasures", json::object{{"requester", "carl@uni.no"}, {"reason", "r"}});
    CHECK(erase.status == 404);
  }
}
