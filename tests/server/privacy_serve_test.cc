// Personal data over the real server (docs/privacy.md, docs/log-format.md "Personal fields"):
// every personal field written through the API is stored sealed, reads back as text with the
// key store, also after a restart, and a wrong master key stops the server before it writes.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "app/command_handler.h"
#include "app/memory_state_source.h"
#include "projections/checkpoint_store.h"
#include "projections/projections.h"
#include "tests/server/api_support.h"
#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace tl::testing;
namespace fs = std::filesystem;

// One marker per personal field: text no other field, name or key can hold by chance.
const std::map<std::string, std::string> kMarkers = {
    {"requester", "mk-requester-7f3a@uni.no"},
    {"subject", "mk-subject-7f3a"},
    {"requester_message", "mk-message-7f3a"},
    {"reply", "mk-reply-7f3a"},
    {"comment", "mk-comment-7f3a"},
    {"awaiting", "mk-awaiting-7f3a"},
    {"updated_requester", "mk-new-requester-7f3a@uni.no"},
    {"updated_subject", "mk-new-subject-7f3a"},
    {"move", "mk-move-reason-7f3a"},
    {"solution", "mk-solution-7f3a"},
    {"feedback", "mk-feedback-7f3a"},
    {"reopen", "mk-reopen-reason-7f3a"},
};

// A ticket with a marker in every personal field (docs/api.md's list), written over HTTP.
uint64_t PlantMarkers(Api& api) {
  HttpClient olga = api.Client("olga");
  json::object ticket = Api::TicketBody();
  ticket["requester"] = kMarkers.at("requester");
  ticket["subject"] = kMarkers.at("subject");
  auto opened = olga.Post("/api/v1/tickets", ticket);
  REQUIRE(opened.status == 201);
  const uint64_t id = opened.Json().at("id").to_number<uint64_t>();
  const std::string actions = "/api/v1/tickets/" + std::to_string(id) + "/actions";
  for (const json::object& action : std::vector<json::object>{
           {{"type", "requester_message"}, {"body", kMarkers.at("requester_message")}},
           {{"type", "reply"}, {"body", kMarkers.at("reply")}},
           {{"type", "comment"}, {"body", kMarkers.at("comment")}},
           {{"type", "stall"},
            {"awaiting", kMarkers.at("awaiting")},
            {"follow_up_at", "2030-01-01T00:00:00Z"}},
           {{"type", "open"}},
           {{"type", "update"},
            {"requester", kMarkers.at("updated_requester")},
            {"subject", kMarkers.at("updated_subject")}},
           {{"type", "move"}, {"queue", "campus"}, {"reason", kMarkers.at("move")}},
           {{"type", "resolve"}, {"solution", kMarkers.at("solution")}},
           {{"type", "feedback_invited"}},
           {{"type", "feedback"}, {"score", 4}, {"comment", kMarkers.at("feedback")}},
           {{"type", "reopen"}, {"reason", kMarkers.at("reopen")}},
       }) {
    auto r = olga.Post(actions, action);
    INFO(action << " -> " << r.body);
    REQUIRE(r.status == 201);
  }
  return id;
}

// The ticket's history as the server answers it, serialised.
std::string History(Api& api, uint64_t id) {
  auto r = api.Client("auditor").Get("/api/v1/tickets/" + std::to_string(id) + "/history");
  REQUIRE(r.status == 200);
  return r.body;
}

// Opens a ticket of `requester` as olga; returns its id.
uint64_t OpenTicketOf(Api& api, const std::string& requester) {
  json::object body = Api::TicketBody();
  body["requester"] = requester;
  auto r = api.Client("olga").Post("/api/v1/tickets", body);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.Json().at("id").to_number<uint64_t>();
}

// The ids GET /api/v1/tickets?requester=<query> lists.
std::vector<uint64_t> TicketsOf(Api& api, const std::string& query) {
  auto r = api.Client("olga").Get("/api/v1/tickets?requester=" + query);
  INFO(r.body);
  REQUIRE(r.status == 200);
  const json::value body = r.Json();
  std::vector<uint64_t> ids;
  for (const json::value& t : body.at("tickets").as_array()) {
    ids.push_back(t.at("id").to_number<uint64_t>());
  }
  return ids;
}

// How many personal_data_erased events ticket `id`'s history holds.
size_t ErasureEvents(Api& api, uint64_t id) {
  size_t n = 0;
  const json::value history = json::parse(History(api, id));
  for (const json::value& e : history.at("events").as_array()) {
    if (e.at("type") == "personal_data_erased") ++n;
  }
  return n;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("every personal field written through the API is stored sealed and reads back",
          "[server][privacy][loopback]") {
  Api api;
  const uint64_t id = PlantMarkers(api);
  const std::string before = History(api, id);
  for (const auto& [field, marker] : kMarkers) {
    INFO(field);
    CHECK_THAT(before, Catch::Contains(marker));
  }
  REQUIRE(api.server.Stop() == 0);

  // No stored event holds any marker: the log's entries, which an export hands out byte for
  // byte and the chain and the tree hash, carry the sealed bytes only.
  const std::string dir = api.server.data_dir();
  auto exported = RunCommand({TicketledgerBinary(), "export", "--data", dir, "--format", "capnp"});
  REQUIRE(exported.exit_code == 0);
  REQUIRE(exported.out.size() > 1000);
  for (const auto& [field, marker] : kMarkers) {
    INFO(field);
    CHECK(exported.out.find(marker) == std::string::npos);
  }
  {
    tl::ledger::LogOptions read_only;
    read_only.read_only = true;
    auto log = OpenLog(dir, read_only);
    REQUIRE(log->ScanRaw(tl::ledger::Seq{1}, log->Head().seq,
                         [&](tl::ledger::Seq, std::string_view bytes, const tl::ledger::Hash&) {
                           for (const auto& [field, marker] : kMarkers) {
                             INFO(field);
                             CHECK(bytes.find(marker) == std::string_view::npos);
                           }
                           return tl::Status::Ok();
                         })
                .ok());
  }
  // Nor does the key store: it holds wrapped keys, never a field.
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(dir) / "keys")) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadFile(entry.path());
    for (const auto& [field, marker] : kMarkers) {
      INFO(entry.path() << " " << field);
      CHECK(bytes.find(marker) == std::string::npos);
    }
  }
  // verify needs no key, and the history reads as text again after a restart.
  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", dir});
  INFO(verify.err);
  CHECK(verify.exit_code == 0);
  api.server.Start();
  CHECK(History(api, id) == before);
}

namespace {

// The texts a ticket's state shows, each with a marker: one ticket stalled (awaiting), one
// resolved with feedback (solution, comment).
const std::map<std::string, std::string> kShownMarkers = {
    {"stalled.requester", "mk-shown-req-a-41c9@uni.no"},
    {"stalled.subject", "mk-shown-subject-a-41c9"},
    {"stalled.awaiting", "mk-shown-awaiting-41c9"},
    {"resolved.requester", "mk-shown-req-b-41c9@uni.no"},
    {"resolved.subject", "mk-shown-subject-b-41c9"},
    {"resolved.solution", "mk-shown-solution-41c9"},
    {"resolved.comment", "mk-shown-comment-41c9"},
};

// A text that is no personal data, which the read models keep: the positive control of the scans.
const std::string kKeptMarker = "mk-kept-description-41c9";

// The marker of `field`, as the JSON shows it.
json::value Shown(const std::string& field) { return json::string(kShownMarkers.at(field)); }

// Opens a ticket with the markers `prefix`.requester and `prefix`.subject; returns its id.
uint64_t OpenMarked(Api& api, const std::string& prefix) {
  json::object body = Api::TicketBody();
  body["requester"] = kShownMarkers.at(prefix + ".requester");
  body["subject"] = kShownMarkers.at(prefix + ".subject");
  body["description"] = kKeptMarker;
  auto r = api.Client("olga").Post("/api/v1/tickets", body);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.Json().at("id").to_number<uint64_t>();
}

void Act(Api& api, uint64_t id, const json::object& action) {
  auto r = api.Client("olga").Post("/api/v1/tickets/" + std::to_string(id) + "/actions", action);
  INFO(action << " -> " << r.body);
  REQUIRE(r.status == 201);
}

// Every text of both tickets as the API shows them: the ticket, the list, the follow-ups.
void CheckTextsShown(Api& api, uint64_t stalled, uint64_t resolved) {
  HttpClient olga = api.Client("olga");
  auto a = olga.Get("/api/v1/tickets/" + std::to_string(stalled));
  REQUIRE(a.status == 200);
  CHECK(a.Json().at("requester") == Shown("stalled.requester"));
  CHECK(a.Json().at("subject") == Shown("stalled.subject"));
  CHECK(a.Json().at("stalled").at("awaiting") == Shown("stalled.awaiting"));
  auto b = olga.Get("/api/v1/tickets/" + std::to_string(resolved));
  REQUIRE(b.status == 200);
  CHECK(b.Json().at("requester") == Shown("resolved.requester"));
  CHECK(b.Json().at("subject") == Shown("resolved.subject"));
  CHECK(b.Json().at("solution") == Shown("resolved.solution"));
  CHECK(b.Json().at("feedback").at("comment") == Shown("resolved.comment"));
  // The list shows each ticket exactly as its own read does.
  auto list = olga.Get("/api/v1/tickets?limit=1000");
  REQUIRE(list.status == 200);
  std::map<uint64_t, json::value> listed;
  const json::value body = list.Json();
  for (const json::value& t : body.at("tickets").as_array()) {
    listed[t.at("id").to_number<uint64_t>()] = t;
  }
  CHECK(listed[stalled] == a.Json());
  CHECK(listed[resolved] == b.Json());
  auto followups = olga.Get("/api/v1/followups?now=2031-01-01T00:00:00Z");
  REQUIRE(followups.status == 200);
  CHECK_THAT(followups.body, Catch::Contains(kShownMarkers.at("stalled.awaiting")));
}

}  // namespace

TEST_CASE("the read models keep no personal text: checkpoints and files hold none of it",
          "[server][privacy][loopback]") {
  Api api;
  const uint64_t stalled = OpenMarked(api, "stalled");
  Act(api, stalled,
      {{"type", "stall"},
       {"awaiting", kShownMarkers.at("stalled.awaiting")},
       {"follow_up_at", "2030-01-01T00:00:00Z"}});
  const uint64_t resolved = OpenMarked(api, "resolved");
  Act(api, resolved, {{"type", "resolve"}, {"solution", kShownMarkers.at("resolved.solution")}});
  Act(api, resolved, {{"type", "feedback_invited"}});
  Act(api, resolved,
      {{"type", "feedback"}, {"score", 5}, {"comment", kShownMarkers.at("resolved.comment")}});
  CheckTextsShown(api, stalled, resolved);
  REQUIRE(api.server.Stop() == 0);  // writes every model's checkpoint

  const std::string dir = api.server.data_dir();
  {
    // Every checkpoint body, as the projections will load it.
    tl::ledger::LogOptions read_only;
    read_only.read_only = true;
    auto log = OpenLog(dir, read_only);
    tl::projections::Options options;
    auto reopened = tl::projections::Projections::Open(*log, tl::projections::StandardModels(),
                                                       options, /*attach=*/false);
    REQUIRE(reopened.ok());
    const auto info = (*reopened)->checkpoint_info();
    REQUIRE(info.models.size() > 5);
    for (const auto& model : info.models) {
      INFO(model.name);
      CHECK(model.loaded_seq == log->Head().seq);  // a restart starts from these checkpoints
      auto stored = tl::projections::ReadCheckpoint(*log, model.name);
      REQUIRE(stored.ok());
      REQUIRE(stored->has_value());
      for (const auto& [field, marker] : kShownMarkers) {
        INFO(field);
        CHECK((*stored)->body.find(marker) == std::string::npos);
      }
      if (model.name == "tickets") {
        CHECK((*stored)->body.find(kKeptMarker) != std::string::npos);  // the scan can find
      }
    }
  }
  // Nor any file of the data directory but the key store's (its own test is above): the log's
  // SST, WAL and MANIFEST files, uncompressed (ledger/store/rocks_store.cc).
  size_t files = 0, with_kept = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = fs::relative(entry.path(), dir);
    if (*relative.begin() == "keys") continue;
    ++files;
    const std::string bytes = ReadFile(entry.path());
    for (const auto& [field, marker] : kShownMarkers) {
      INFO(relative << " " << field);
      CHECK(bytes.find(marker) == std::string::npos);
    }
    with_kept += bytes.find(kKeptMarker) != std::string::npos;
  }
  CHECK(files > 3);
  CHECK(with_kept > 0);  // the scan finds text that is there

  // After a restart from those checkpoints the API shows every text, read from the log.
  api.server.Start();
  CheckTextsShown(api, stalled, resolved);
}

TEST_CASE("a wrong master key stops the server at start, and nothing is written",
          "[server][privacy][loopback]") {
  TempDir dir;
  {
    ServerProcess::Options options;
    options.data_dir = dir.Sub("data");
    Api api(options);
    api.OpenTicket();
  }
  const std::string other_key = dir.Sub("other.key");
  {
    std::ofstream out(other_key, std::ios::binary);
    out << std::string(32, 'k');
  }
  fs::permissions(other_key, fs::perms::owner_read | fs::perms::owner_write);
  std::map<std::string, std::string> files_before;
  for (const auto& entry : fs::recursive_directory_iterator(dir.Sub("data"))) {
    if (entry.is_regular_file()) files_before[entry.path().string()] = ReadFile(entry.path());
  }
  { std::ofstream tokens(dir.Sub("tokens")); }
  auto run = RunCommand({TicketledgerBinary(), "serve", "--data", dir.Sub("data"), "--tokens",
                         dir.Sub("tokens"), "--listen", "127.0.0.1:0", "--master-key", other_key});
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.err, Catch::Contains("wrong_master_key") && Catch::Contains("master key"));
  std::map<std::string, std::string> files_after;
  for (const auto& entry : fs::recursive_directory_iterator(dir.Sub("data"))) {
    if (entry.is_regular_file()) files_after[entry.path().string()] = ReadFile(entry.path());
  }
  CHECK(files_after == files_before);
}

TEST_CASE("an erasure nulls every personal field, appends once, and keeps the log verifiable",
          "[server][privacy][loopback]") {
  Api api;
  const uint64_t id = PlantMarkers(api);
  const uint64_t other = api.OpenTicket();
  HttpClient admin = api.Client("admin");
  auto missing = admin.Post("/api/v1/privacy/erasures", json::object{{"ticket", id}});
  CHECK(missing.status == 400);
  CHECK(missing.ErrorCode() == "missing_field");
  auto unknown = admin.Post("/api/v1/privacy/erasures",
                            json::object{{"ticket", 999}, {"reason", "request 1"}});
  CHECK(unknown.status == 404);
  CHECK(api.Client("olga")
            .Post("/api/v1/privacy/erasures", json::object{{"ticket", id}, {"reason", "r"}})
            .status == 403);

  auto erased = admin.Post("/api/v1/privacy/erasures",
                           json::object{{"ticket", id}, {"reason", "request of 2026-12-01"}});
  INFO(erased.body);
  REQUIRE(erased.status == 200);
  CHECK(erased.Json().at("erased_tickets") == json::array{id});
  const uint64_t length = api.FeedLength();
  auto again = admin.Post("/api/v1/privacy/erasures",
                          json::object{{"ticket", id}, {"reason", "request of 2026-12-01"}});
  REQUIRE(again.status == 200);
  CHECK(again.Json().at("erased_tickets") == json::array{id});
  CHECK(api.FeedLength() == length);  // erasing twice appends nothing

  const std::string history = History(api, id);
  for (const auto& [field, marker] : kMarkers) {
    INFO(field);
    CHECK(history.find(marker) == std::string::npos);
  }
  const json::array items = json::parse(history).at("events").as_array();
  size_t marked = 0;
  for (const json::value& item : items) {
    const json::object& e = item.as_object();
    if (e.contains("erased")) ++marked;
    if (e.at("type") == "personal_data_erased") {
      CHECK(e.at("data").at("reason") == "request of 2026-12-01");
    }
  }
  CHECK(marked == 10);  // the opened event and the nine actions with a personal field
  auto ticket = api.Client("olga").Get("/api/v1/tickets/" + std::to_string(id));
  REQUIRE(ticket.status == 200);
  CHECK(ticket.Json().at("erased") == true);
  CHECK(ticket.Json().at("requester").is_null());
  CHECK(ticket.Json().at("subject").is_null());
  // Another ticket keeps its personal data.
  auto kept = api.Client("olga").Get("/api/v1/tickets/" + std::to_string(other));
  CHECK(kept.Json().at("requester") == "kari@uni.no");

  REQUIRE(api.server.Stop() == 0);
  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", api.server.data_dir()});
  INFO(verify.err);
  CHECK(verify.exit_code == 0);
  // A restart replays the erased ticket as erased.
  api.server.Start();
  CHECK(History(api, id) == history);
}

TEST_CASE("ticketledger erase erases a ticket of a stopped ledger", "[server][privacy][cli]") {
  TempDir dir;
  uint64_t id = 0;
  {
    ServerProcess::Options options;
    options.data_dir = dir.Sub("data");
    Api api(options);
    id = PlantMarkers(api);
  }
  auto no_reason = RunCommand(
      {TicketledgerBinary(), "erase", "--data", dir.Sub("data"), "--ticket", std::to_string(id)});
  CHECK(no_reason.exit_code != 0);
  auto run = RunCommand({TicketledgerBinary(), "erase", "--data", dir.Sub("data"), "--ticket",
                         std::to_string(id), "--reason", "request 7"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto log = RunCommand(
      {TicketledgerBinary(), "log", "--data", dir.Sub("data"), "--ticket", std::to_string(id)});
  REQUIRE(log.exit_code == 0);
  CHECK_THAT(log.out,
             Catch::Contains("personal_data_erased") && Catch::Contains("\"erased\":true"));
  for (const auto& [field, marker] : kMarkers) {
    INFO(field);
    CHECK(log.out.find(marker) == std::string::npos);
  }
  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", dir.Sub("data")});
  CHECK(verify.exit_code == 0);
}

TEST_CASE("tickets filter by requester through the normalised address's index key",
          "[server][privacy][loopback]") {
  Api api;
  const uint64_t ann1 = OpenTicketOf(api, "ann@uni.no");
  const uint64_t bob = OpenTicketOf(api, "bob@uni.no");
  const uint64_t ann2 = OpenTicketOf(api, " MailTo:Ann@Uni.NO ");
  CHECK(TicketsOf(api, "ann@uni.no") == std::vector<uint64_t>{ann1, ann2});
  CHECK(TicketsOf(api, "ANN@uni.no") == std::vector<uint64_t>{ann1, ann2});
  CHECK(TicketsOf(api, "mailto:%3Cann@uni.no%3E") == std::vector<uint64_t>{ann1, ann2});
  CHECK(TicketsOf(api, "%20ann@uni.no%09") == std::vector<uint64_t>{ann1, ann2});
  CHECK(TicketsOf(api, "bob@uni.no") == std::vector<uint64_t>{bob});
  CHECK(TicketsOf(api, "nobody@uni.no").empty());
  // An update of the requester adds the new address; the former requester still finds the
  // ticket (what an erasure request by a data subject needs: docs/privacy.md).
  auto moved =
      api.Client("olga").Post("/api/v1/tickets/" + std::to_string(bob) + "/actions",
                              json::object{{"type", "update"}, {"requester", "Ann@Uni.no"}});
  INFO(moved.body);
  REQUIRE(moved.status == 201);
  CHECK(TicketsOf(api, "ann@uni.no") == std::vector<uint64_t>{ann1, bob, ann2});
  CHECK(TicketsOf(api, "bob@uni.no") == std::vector<uint64_t>{bob});
  // The list's other parameters still apply: paging.
  auto page = api.Client("olga").Get("/api/v1/tickets?requester=ann@uni.no&limit=2");
  INFO(page.body);
  REQUIRE(page.status == 200);
  CHECK(page.Json().at("tickets").as_array().size() == 2);
  CHECK(page.Json().at("next") == bob);
  // An empty value is no filter (docs/api.md), an address of blanks one that is refused.
  CHECK(TicketsOf(api, "").size() == 3);
  auto blank = api.Client("olga").Get("/api/v1/tickets?requester=%20%20");
  CHECK(blank.status == 400);
  CHECK(blank.ErrorCode() == "bad_field");
  // After a restart (read models from checkpoints or the log) the same tickets are found.
  REQUIRE(api.server.Stop() == 0);
  api.server.Start();
  CHECK(TicketsOf(api, "ann@uni.no") == std::vector<uint64_t>{ann1, bob, ann2});
  CHECK(TicketsOf(api, "bob@uni.no") == std::vector<uint64_t>{bob});
}

TEST_CASE("an erasure by requester erases each of the requester's tickets once",
          "[server][privacy][loopback]") {
  Api api;
  const uint64_t ann1 = OpenTicketOf(api, "Ann@uni.no");
  const uint64_t bob = OpenTicketOf(api, "bob@uni.no");
  const uint64_t ann2 = OpenTicketOf(api, "ann@uni.no");
  HttpClient admin = api.Client("admin");
  auto none = admin.Post("/api/v1/privacy/erasures",
                         json::object{{"requester", "nobody@uni.no"}, {"reason", "r 1"}});
  CHECK(none.status == 404);
  auto both =
      admin.Post("/api/v1/privacy/erasures",
                 json::object{{"requester", "ann@uni.no"}, {"ticket", ann1}, {"reason", "r"}});
  CHECK(both.status == 400);
  const uint64_t length = api.FeedLength();

  auto erased = admin.Post("/api/v1/privacy/erasures",
                           json::object{{"requester", "ANN@uni.no"}, {"reason", "request 9"}});
  INFO(erased.body);
  REQUIRE(erased.status == 200);
  CHECK(erased.Json().at("erased_tickets") == json::array{ann1, ann2});
  CHECK(api.FeedLength() == length + 2);
  CHECK(ErasureEvents(api, ann1) == 1);
  CHECK(ErasureEvents(api, ann2) == 1);
  CHECK(ErasureEvents(api, bob) == 0);
  // The requester's tickets have left the index; a repeated request finds none and appends
  // nothing.
  CHECK(TicketsOf(api, "ann@uni.no").empty());
  auto again = admin.Post("/api/v1/privacy/erasures",
                          json::object{{"requester", "ann@uni.no"}, {"reason", "request 9"}});
  CHECK(again.status == 404);
  CHECK(api.FeedLength() == length + 2);
  CHECK(TicketsOf(api, "bob@uni.no") == std::vector<uint64_t>{bob});
  auto kept = api.Client("olga").Get("/api/v1/tickets/" + std::to_string(bob));
  CHECK(kept.Json().at("requester") == "bob@uni.no");
  // Nor after a restart: the index entries left the key store with the keys.
  REQUIRE(api.server.Stop() == 0);
  api.server.Start();
  CHECK(TicketsOf(api, "ann@uni.no").empty());
  CHECK(TicketsOf(api, "bob@uni.no") == std::vector<uint64_t>{bob});
}

TEST_CASE("ticketledger erase --requester erases the requester's tickets of a stopped ledger",
          "[server][privacy][cli]") {
  TempDir dir;
  uint64_t ann1 = 0, bob = 0, ann2 = 0;
  ServerProcess::Options options;
  options.data_dir = dir.Sub("data");
  {
    Api api(options);
    ann1 = OpenTicketOf(api, "ann@uni.no");
    bob = OpenTicketOf(api, "bob@uni.no");
    ann2 = OpenTicketOf(api, "Ann@Uni.no");
  }
  auto nobody = RunCommand({TicketledgerBinary(), "erase", "--data", dir.Sub("data"), "--requester",
                            "nobody@uni.no", "--reason", "r"});
  CHECK(nobody.exit_code != 0);
  CHECK_THAT(nobody.err, Catch::Contains("no ticket of that requester"));
  auto run = RunCommand({TicketledgerBinary(), "erase", "--data", dir.Sub("data"), "--requester",
                         "ann@uni.no", "--reason", "request 11"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("erased ticket " + std::to_string(ann1) + " ") &&
                          Catch::Contains("erased ticket " + std::to_string(ann2) + " "));
  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", dir.Sub("data")});
  CHECK(verify.exit_code == 0);
  Api api(options);
  CHECK(ErasureEvents(api, ann1) == 1);
  CHECK(ErasureEvents(api, ann2) == 1);
  CHECK(ErasureEvents(api, bob) == 0);
  CHECK(TicketsOf(api, "ann@uni.no").empty());
  CHECK(TicketsOf(api, "bob@uni.no") == std::vector<uint64_t>{bob});
}

// The mail events name the requester's address, and a relay's reply or a delivery report's
// diagnostic usually repeats it: they are sealed like the fields of docs/api.md's list
// (docs/log-format.md, "Personal fields").
TEST_CASE("mail events store their addresses and diagnostics sealed", "[server][privacy][mail]") {
  using namespace tl::ledger;
  TempDir dir;
  auto log = OpenSealedLog(dir.str());
  auto projections =
      tl::projections::Projections::Open(*log, tl::projections::StandardModels(), {}, true);
  REQUIRE(projections.ok());
  tl::app::ProjectionStateSource states(**projections);
  tl::app::CommandHandler commands(*log, states);
  DefineStandardReference(commands);
  auto opened = commands.Open(SupportTicket("Orakel", "Eduroam"), By("olga"));
  REQUIRE(opened.ok());
  const TicketId id = opened->id;
  const std::vector<std::string> markers = {"mailto-marker-7f3a@uni.no", "relay-marker-91c2",
                                            "bounced-marker-5e0d@uni.no", "dsn-marker-c44b"};
  REQUIRE(commands
              .Act(id, RecordMail{MailSent{MailKind::kAcknowledgement, "m1@x", markers[0]}},
                   By("ticketledger"))
              .ok());
  REQUIRE(commands
              .Act(id, RecordMail{MailFailed{MailKind::kReply, "m2@x", markers[0], markers[1]}},
                   By("ticketledger"))
              .ok());
  REQUIRE(
      commands
          .Act(id, RecordMail{MailBounced{"m1@x", {markers[2]}, markers[3]}}, By("ticketledger"))
          .ok());
  REQUIRE(log->ScanRaw(Seq{1}, log->Head().seq,
                       [&](Seq, std::string_view bytes, const Hash&) {
                         for (const auto& marker : markers) {
                           INFO(marker);
                           CHECK(bytes.find(marker) == std::string_view::npos);
                         }
                         return tl::Status::Ok();
                       })
              .ok());
  // With the key they read back as they were written.
  std::vector<Event> events = AllEvents(*log);
  REQUIRE(events.size() >= 3);
  const auto& bounced = std::get<MailBounced>(events.back().payload);
  CHECK(bounced.recipients == std::vector<std::string>{markers[2]});
  CHECK(bounced.detail == markers[3]);
  CHECK(std::get<MailSent>(events[events.size() - 3].payload).to == markers[0]);
}
