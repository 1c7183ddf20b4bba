// Reports and lists at a past point, over real HTTP (docs/api.md "Looking into the past"): on
// random histories (back-dated entries make occurred_at differ from recorded_at and run
// backwards along the log), each endpoint's answer `as_of` or `known_at` a point equals the same
// request to a fresh ledger fed only the events up to that point; plus the errors, the echo,
// the empty past before the first event, and the paging of follow-ups and pending feedback
// (docs/api.md "Paging").
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <random>

#include "ledger/domain/time_format.h"
#include "projections/report_types.h"
#include "tests/server/api_support.h"
#include "tests/support/fixtures.h"
#include "tests/support/random_history.h"
#include "tests/support/temp_dir.h"

using namespace tl::ledger;
using namespace tl::testing;
using tl::projections::AsOf;

namespace {

std::vector<Event> ReadAll(const std::string& dir) { return AllEvents(*OpenLog(dir)); }

bool Included(const Event& e, const AsOf& point) {
  switch (point.kind) {
    case AsOf::Kind::kSeq:
      return e.seq <= point.seq;
    case AsOf::Kind::kOccurredAt:
      return e.occurred_at <= point.time;
    case AsOf::Kind::kRecordedAt:
      return e.recorded_at <= point.time;
  }
  return false;
}

// Writes the events `point` includes, in seq order, to a new ledger in `dir`, one append each
// (occurred_at, actors and event ids kept). That ledger numbers its tickets 1, 2, 3, … in the
// order they were opened, as the original did, so the map it returns (its id -> the original
// id) keeps the order of ids.
std::map<TicketId, TicketId> Feed(const std::vector<Event>& events, const AsOf& point,
                                  const std::string& dir) {
  auto log = OpenSealedLog(dir);
  std::map<TicketId, TicketId> to_fresh, to_original;
  for (const Event& e : events) {
    if (!Included(e, point)) continue;
    Payload payload = e.payload;
    StreamId stream = e.stream;
    if (auto* opened = std::get_if<TicketOpened>(&payload)) {
      stream = StreamId::NewTicket();
      if (!opened->parent.is_zero()) opened->parent = to_fresh.at(opened->parent);
    } else if (e.stream.is_ticket()) {
      stream = StreamId::Ticket(to_fresh.at(e.stream.ticket));
    }
    if (auto* link = std::get_if<ChildLinked>(&payload)) link->child = to_fresh.at(link->child);
    AppendRequest request;
    request.parts.push_back(
        StreamAppend{stream,
                     std::nullopt,
                     {EventDraft{e.event_id, e.occurred_at, e.actor, e.recorded_by, payload}}});
    auto appended = log->Append(std::move(request));
    INFO(appended.status().ToString());
    REQUIRE(appended.ok());
    if (std::holds_alternative<TicketOpened>(payload)) {
      to_fresh[e.stream.ticket] = appended->stream.ticket;
      to_original[appended->stream.ticket] = e.stream.ticket;
    }
  }
  return to_original;
}

// Rewrites the ticket ids of a fresh ledger's answer (`id`, `parent`, `children`, `next`) to the
// original ledger's.
void MapIds(json::value& v, const std::map<TicketId, TicketId>& to_original) {
  auto map = [&](json::value& id) {
    if (id.is_number()) id = to_original.at(TicketId(id.to_number<uint64_t>())).value();
  };
  if (auto* o = v.if_object()) {
    for (auto& [key, value] : *o) {
      if (key == "id" || key == "parent" || key == "next") {
        map(value);
      } else if (key == "children" && value.is_array()) {
        for (json::value& child : value.as_array()) map(child);
      } else {
        MapIds(value, to_original);
      }
    }
  } else if (auto* a = v.if_array()) {
    for (json::value& item : *a) MapIds(item, to_original);
  }
}

std::string PointQuery(const AsOf& point) {
  switch (point.kind) {
    case AsOf::Kind::kSeq:
      return "as_of=" + std::to_string(point.seq.value());
    case AsOf::Kind::kOccurredAt:
      return "as_of=" + FormatRfc3339(point.time);
    case AsOf::Kind::kRecordedAt:
      return "known_at=" + FormatRfc3339(point.time);
  }
  return "";
}

json::object Echo(const AsOf& point) {
  switch (point.kind) {
    case AsOf::Kind::kSeq:
      return {{"as_of", point.seq.value()}};
    case AsOf::Kind::kOccurredAt:
      return {{"as_of", FormatRfc3339(point.time)}};
    case AsOf::Kind::kRecordedAt:
      return {{"known_at", FormatRfc3339(point.time)}};
  }
  return {};
}

// Every endpoint that takes a past point, with a few of its parameters; `now` (where taken) is
// added by the caller.
const std::vector<std::string>& Targets() {
  static const std::vector<std::string> kTargets = {
      "/api/v1/reports/response-times?x",
      "/api/v1/reports/response-times?category=all&group_by=queue",
      "/api/v1/reports/volume?interval=week&category=all",
      "/api/v1/reports/misroutes?x",
      "/api/v1/reports/satisfaction?group_by=queue",
      "/api/v1/reports/compliance?x",
      "/api/v1/dashboard?days=30",
      "/api/v1/reports/workload?x",
      "/api/v1/followups?x",
      "/api/v1/followups?limit=2",
      "/api/v1/feedback/pending?x",
      "/api/v1/feedback/pending?limit=3",
      "/api/v1/tickets?limit=1000",
      "/api/v1/tickets?status=new,open,stalled&limit=3",
  };
  return kTargets;
}

bool TakesNow(const std::string& target) {
  for (const char* path : {"/dashboard", "/workload", "/followups", "/feedback/pending"}) {
    if (target.find(path) != std::string::npos) return true;
  }
  return false;
}

// "?x" stands for "no parameters of its own", so that each target can take "&…".
std::string With(const std::string& target, const std::string& more) {
  const size_t x = target.find("?x");
  if (x != std::string::npos) return target.substr(0, x) + (more.empty() ? "" : "?" + more);
  return more.empty() ? target : target + "&" + more;
}

json::value Get(HttpClient& client, const std::string& target) {
  auto r = client.Get(target);
  INFO(target << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  return r.Json();
}

struct History {
  TempDir dir;
  Seq head{};
  std::vector<Event> events;
  explicit History(uint64_t seed, size_t tickets) {
    auto written = WriteRandomHistory(dir.str(), seed, tickets);
    REQUIRE(written.ok());
    head = *written;
    events = ReadAll(dir.str());
  }
};

}  // namespace

TEST_CASE("reports and lists at a past point equal a ledger fed only the events up to it",
          "[server][api][loopback][asof]") {
  History history(/*seed=*/7, /*tickets=*/40);
  std::mt19937_64 rng(7);
  auto any_event = [&]() -> const Event& {
    return history.events[std::uniform_int_distribution<size_t>(0, history.events.size() - 1)(rng)];
  };
  // Back-dated events (occurred before the event logged ahead of them), as imported history
  // has them: at their occurred_at, the included events are not a prefix of the log, which is
  // what as_of=<time> must get right.
  std::vector<const Event*> back_dated;
  for (size_t i = 1; i < history.events.size(); ++i) {
    if (history.events[i].occurred_at < history.events[i - 1].occurred_at) {
      back_dated.push_back(&history.events[i]);
    }
  }
  REQUIRE(back_dated.size() >= 2);
  auto any_back_dated = [&]() -> const Event& {
    return *back_dated[std::uniform_int_distribution<size_t>(0, back_dated.size() - 1)(rng)];
  };
  std::vector<AsOf> points = {
      AsOf{AsOf::Kind::kSeq, any_event().seq, 0},
      AsOf{AsOf::Kind::kOccurredAt, Seq{}, any_event().occurred_at},
      AsOf{AsOf::Kind::kOccurredAt, Seq{}, any_back_dated().occurred_at},
      AsOf{AsOf::Kind::kOccurredAt, Seq{}, any_back_dated().occurred_at},
      AsOf{AsOf::Kind::kRecordedAt, Seq{}, any_event().recorded_at},
      AsOf{AsOf::Kind::kRecordedAt, Seq{}, history.events.front().recorded_at - 1},  // before all
  };

  ServerProcess::Options options;
  options.data_dir = history.dir.str();
  Api past(options, /*define_reference=*/false);
  HttpClient reader = past.Client("reader");
  for (const AsOf& point : points) {
    TempDir fresh_dir;
    const auto to_original = Feed(history.events, point, fresh_dir.str());
    ServerProcess::Options fresh_options;
    fresh_options.data_dir = fresh_dir.str();
    Api fresh(fresh_options, /*define_reference=*/false);
    HttpClient fresh_reader = fresh.Client("reader");
    TimeNs latest = 0;
    for (const Event& e : history.events) {
      if (Included(e, point)) latest = std::max(latest, e.occurred_at);
    }
    for (const std::string& target : Targets()) {
      std::vector<std::string> nows = {""};
      if (TakesNow(target)) nows.push_back("now=" + FormatRfc3339(latest + 3 * kDay + 17));
      for (const std::string& now : nows) {
        const std::string query = now.empty() ? PointQuery(point) : now + "&" + PointQuery(point);
        INFO(With(target, query));
        json::value actual = Get(reader, With(target, query));
        json::value expected = Get(fresh_reader, With(target, now));
        MapIds(expected, to_original);
        // The point is echoed beside the answer; the rest is the fresh ledger's answer.
        for (const auto& [key, value] : Echo(point)) {
          CHECK(actual.as_object().at(key) == value);
          actual.as_object().erase(key);
        }
        CHECK(json::serialize(actual) == json::serialize(expected));
      }
    }
  }
}

TEST_CASE("a past point before the first event gives empty answers",
          "[server][api][loopback][asof]") {
  History history(/*seed=*/8, /*tickets=*/10);
  ServerProcess::Options options;
  options.data_dir = history.dir.str();
  Api api(options, /*define_reference=*/false);
  HttpClient reader = api.Client("reader");
  for (const std::string point :
       {"as_of=0", "as_of=1970-01-01T00:00:00Z", "known_at=2000-01-01T00:00:00Z"}) {
    auto tickets = Get(reader, "/api/v1/tickets?" + point).as_object();
    CHECK(tickets.at("tickets").as_array().empty());
    CHECK(tickets.at("next").is_null());
    for (const char* target : {"/api/v1/followups", "/api/v1/feedback/pending"}) {
      CHECK(Get(reader, std::string(target) + "?" + point).at("tickets").as_array().empty());
    }
    for (const char* target : {"/api/v1/reports/volume", "/api/v1/reports/satisfaction",
                               "/api/v1/reports/compliance", "/api/v1/reports/response-times"}) {
      CHECK(Get(reader, std::string(target) + "?" + point).at("groups").as_array().empty());
    }
  }
}

TEST_CASE("as_of and known_at on reports and lists: echoed, and bad together or malformed",
          "[server][api][loopback][asof]") {
  History history(/*seed=*/9, /*tickets=*/10);
  ServerProcess::Options options;
  options.data_dir = history.dir.str();
  Api api(options, /*define_reference=*/false);
  HttpClient reader = api.Client("reader");
  const std::string t = FormatRfc3339(history.events[history.events.size() / 2].occurred_at);
  std::vector<std::string> targets;
  for (const std::string& target : Targets()) targets.push_back(With(target, ""));
  for (const std::string& target : targets) {
    const std::string sep = target.find('?') == std::string::npos ? "?" : "&";
    INFO(target);
    CHECK(reader.Get(target + sep + "as_of=3&known_at=" + t).ErrorCode() == "bad_field");
    CHECK(reader.Get(target + sep + "as_of=" + t + "&known_at=" + t).ErrorCode() == "bad_field");
    CHECK(reader.Get(target + sep + "as_of=yesterday").ErrorCode() == "bad_field");
    CHECK(reader.Get(target + sep + "known_at=12").ErrorCode() == "bad_field");
    CHECK(Get(reader, target + sep + "as_of=5").at("as_of").to_number<uint64_t>() == 5);
    CHECK(Get(reader, target + sep + "as_of=" + t).at("as_of") == json::value(t));
    CHECK(Get(reader, target + sep + "known_at=" + t).at("known_at") == json::value(t));
    // Without a point, no echo.
    auto now = Get(reader, target).as_object();
    CHECK(!now.contains("as_of"));
    CHECK(!now.contains("known_at"));
  }
  // A point at or after the head answers as the live ledger does, echo aside.
  for (const std::string& target : targets) {
    const std::string sep = target.find('?') == std::string::npos ? "?" : "&";
    auto at_head =
        Get(reader, target + sep + "as_of=" + std::to_string(history.head.value())).as_object();
    at_head.erase("as_of");
    CHECK(json::serialize(at_head) == json::serialize(Get(reader, target)));
  }
}

TEST_CASE("follow-ups and pending feedback come in pages with limit and after",
          "[server][api][loopback][asof]") {
  History history(/*seed=*/10, /*tickets=*/80);
  ServerProcess::Options options;
  options.data_dir = history.dir.str();
  Api api(options, /*define_reference=*/false);
  HttpClient reader = api.Client("reader");
  // Far in the future: every stall with a follow-up time is overdue.
  const std::string now = "now=2100-01-01T00:00:00Z";
  for (const std::string path : {"/api/v1/followups", "/api/v1/feedback/pending"}) {
    INFO(path);
    const auto whole = Get(reader, path + "?" + now).as_object();
    CHECK(!whole.contains("next"));  // v1's answer, unchanged
    std::vector<uint64_t> ids;
    for (const auto& t : whole.at("tickets").as_array()) {
      ids.push_back(t.at("id").to_number<uint64_t>());
    }
    REQUIRE(ids.size() >= 3);
    std::sort(ids.begin(), ids.end());
    for (size_t limit : {size_t{1}, size_t{2}, ids.size(), ids.size() + 1}) {
      std::vector<uint64_t> paged;
      std::string after;
      size_t pages = 0;
      while (true) {
        auto page =
            Get(reader, path + "?" + now + "&limit=" + std::to_string(limit) + after).as_object();
        const auto& tickets = page.at("tickets").as_array();
        CHECK(tickets.size() <= limit);
        for (const auto& t : tickets) paged.push_back(t.at("id").to_number<uint64_t>());
        ++pages;
        if (page.at("next").is_null()) break;
        CHECK(page.at("next").to_number<uint64_t>() == paged.back());
        after = "&after=" + std::to_string(page.at("next").to_number<uint64_t>());
        REQUIRE(pages <= ids.size());
      }
      CHECK(paged == ids);
      CHECK(pages == (ids.size() + limit - 1) / limit);
    }
    // `after` alone: the rest of the list in order of id, with no next page.
    auto rest = Get(reader, path + "?" + now + "&after=" + std::to_string(ids[1])).as_object();
    CHECK(rest.at("tickets").as_array().size() == ids.size() - 2);
    CHECK(rest.at("next").is_null());
    CHECK(reader.Get(path + "?limit=0").ErrorCode() == "bad_field");
    CHECK(reader.Get(path + "?after=x").ErrorCode() == "bad_field");
  }
}
