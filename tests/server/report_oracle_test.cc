// The reports on random histories against a naive oracle: docs/api.md's definitions applied to the
// folded tickets one by one, with no cells, no incremental moves and no cache, written as the
// API's JSON. The actual answers go the API's way: query string, typed report, JSON body. This
// is what catches a contribution left in its old group, or a window that loses a partly
// covered day.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "ledger/domain/ticket_rules.h"
#include "ledger/domain/ticket_texts.h"
#include "ledger/domain/time_format.h"
#include "projections/projections.h"
#include "projections/support_volume.h"
#include "server/report_bodies.h"
#include "tests/support/random_history.h"

using namespace tl::ledger;
using namespace tl::testing;
namespace json = boost::json;
using tl::server::QueryParams;

namespace {

// Every report, with and without windows (whose ends fall inside days) and the other
// parameters.
std::vector<std::pair<std::string, QueryParams>> ReportGrid(TimeNs start) {
  const std::string from = FormatRfc3339(start + 3 * kDay + 5 * kHour + 7);
  const std::string to = FormatRfc3339(start + 20 * kDay + 7 * kHour);
  return {
      {"response-times", {}},
      {"response-times", {{"category", "all"}, {"group_by", "queue"}}},
      {"response-times", {{"group_by", "month"}, {"from", from}, {"to", to}}},
      {"response-times", {{"service", "Eduroam"}, {"category", "incident"}}},
      {"volume", {}},
      {"volume", {{"interval", "week"}, {"group_by", "queue"}, {"category", "all"}}},
      {"volume", {{"interval", "day"}, {"group_by", "category"}, {"from", from}, {"to", to}}},
      {"dashboard", {}},
      {"dashboard", {{"days", "7"}}},
      {"dashboard", {{"days", "30"}, {"queue", "campus-saker"}, {"now", to}}},
      {"workload", {}},
      {"workload", {{"queue", "Orakel"}, {"now", to}}},
      {"misroutes", {}},
      {"misroutes", {{"from", from}, {"to", to}}},
      {"satisfaction", {}},
      {"satisfaction", {{"group_by", "queue"}, {"from", from}}},
      {"compliance", {}},
      {"compliance", {{"group_by", "queue"}, {"from", from}, {"to", to}}},
      {"followups", {}},
      {"followups", {{"now", to}}},
      {"feedback-pending", {}},
  };
}

constexpr TimeNs kDue = 2 * kHour;

// What each ticket's history says beyond its state.
struct Facts {
  std::vector<std::string> misrouted_from;
  TicketTexts texts;  // the awaiting of follow-ups
  int64_t invited = 0, invited_within = 0;
  std::array<int64_t, 8> compliance{};
};

struct Folded {
  std::vector<TicketState> tickets;
  std::vector<Facts> facts;
  TimeNs latest = 0;
};

Folded Fold(const EventLog& log) {
  Folded f;
  ReferenceData ref;
  REQUIRE(log.Scan(Seq{1}, log.Head().seq,
                   [&](const StoredEvent& stored) {
                     const Event& e = stored.event;
                     f.latest = std::max(f.latest, e.occurred_at);
                     if (!e.stream.is_ticket()) {
                       ApplyToReference(ref, e);
                       return tl::Status::Ok();
                     }
                     const uint64_t id = e.stream.ticket.value();  // 1, 2, 3, ...: an index
                     if (id > f.tickets.size()) {
                       f.tickets.resize(id);
                       f.facts.resize(id);
                     }
                     TicketState& t = f.tickets[id - 1];
                     Facts& facts = f.facts[id - 1];
                     if (const auto* m = std::get_if<Moved>(&e.payload); m && m->misroute) {
                       facts.misrouted_from.push_back(m->from_queue);
                     }
                     if (std::holds_alternative<FeedbackInvited>(e.payload)) {
                       const bool within = t.last_resolved_at &&
                                           e.occurred_at >= *t.last_resolved_at &&
                                           e.occurred_at - *t.last_resolved_at <= kDue;
                       ++facts.invited;
                       facts.invited_within += within;
                       ++facts.compliance[6];
                       facts.compliance[7] += within;
                     }
                     if (const auto* r = std::get_if<Resolved>(&e.payload)) {
                       ++facts.compliance[0];
                       facts.compliance[1] += !IsBlank(r->solution);
                     }
                     if (const auto* s = std::get_if<Stalled>(&e.payload)) {
                       ++facts.compliance[2];
                       facts.compliance[3] += s->follow_up_at != 0;
                     }
                     if (const auto* a = std::get_if<Assigned>(&e.payload)) {
                       const QueueInfo* q = ref.FindQueue(t.queue);
                       ++facts.compliance[4];
                       facts.compliance[5] += q && q->members.contains(a->owner);
                     }
                     ApplyToTicket(t, e);
                     ApplyToTicketTexts(facts.texts, e);
                     return tl::Status::Ok();
                   })
              .ok());
  return f;
}

json::value Seconds(int64_t ns) {
  if (ns % kNanosPerSecond == 0) return ns / kNanosPerSecond;
  return static_cast<double>(ns) / kNanosPerSecond;
}

json::object Stats(std::vector<int64_t> v, std::optional<int64_t> pending) {
  std::sort(v.begin(), v.end());
  json::object o{{"count", v.size()}};
  if (pending) o["pending"] = *pending;
  if (v.empty()) {
    for (const char* k : {"p50_s", "p90_s", "p95_s", "mean_s", "max_s"}) o[k] = nullptr;
    return o;
  }
  auto rank = [&](size_t p) { return v[std::max<size_t>(1, (p * v.size() + 99) / 100) - 1]; };
  o["p50_s"] = Seconds(rank(50));
  o["p90_s"] = Seconds(rank(90));
  o["p95_s"] = Seconds(rank(95));
  long double sum = 0;
  for (int64_t x : v) sum += x;
  o["mean_s"] = static_cast<double>(sum / v.size() / kNanosPerSecond);
  o["max_s"] = Seconds(v.back());
  return o;
}

std::string Key(const std::string& group_by, const TicketState& t) {
  if (group_by == "queue") return t.queue;
  if (group_by == "category") return std::string(CategoryName(t.category));
  if (group_by == "month") return MonthKey(t.created_at);
  return t.service;
}

struct Window {
  TimeNs from = std::numeric_limits<TimeNs>::min(), to = std::numeric_limits<TimeNs>::max();
  bool Contains(TimeNs t) const { return t >= from && t < to; }
};

Window WindowOf(const QueryParams& q) {
  Window w;
  if (q.contains("from")) w.from = *ParseRfc3339(q.at("from"));
  if (q.contains("to")) w.to = *ParseRfc3339(q.at("to"));
  return w;
}

std::string Param(const QueryParams& q, const std::string& k, const std::string& fallback) {
  auto it = q.find(k);
  return it == q.end() ? fallback : it->second;
}

bool CategoryMatches(const QueryParams& q, const TicketState& t) {
  const std::string c = Param(q, "category", "support");
  return c == "all" || c == CategoryName(t.category);
}

json::object Oracle(const Folded& f, const std::string& name, const QueryParams& q) {
  const Window w = WindowOf(q);
  const TimeNs now = q.contains("now") ? *ParseRfc3339(q.at("now")) : f.latest;
  const std::string group_by = Param(q, "group_by", "service");
  json::array groups;
  if (name == "response-times") {
    struct G {
      int64_t tickets = 0, pending = 0;
      std::vector<int64_t> fr, res;
    };
    std::map<std::string, G> by;
    for (const TicketState& t : f.tickets) {
      if (!w.Contains(t.created_at) || !CategoryMatches(q, t)) continue;
      if (q.contains("service") && t.service != q.at("service")) continue;
      if (q.contains("queue") && t.queue != q.at("queue")) continue;
      G& g = by[Key(group_by, t)];
      ++g.tickets;
      if (t.first_response_at) {
        g.fr.push_back(*t.first_response_at - t.created_at);
      } else {
        ++g.pending;
      }
      if (t.status == TicketStatus::kResolved) g.res.push_back(*t.resolution_ns);
    }
    for (auto& [k, g] : by) {
      groups.push_back(json::object{{"key", k},
                                    {"tickets", g.tickets},
                                    {"first_response", Stats(g.fr, g.pending)},
                                    {"resolution", Stats(g.res, std::nullopt)}});
    }
    return {{"groups", groups}};
  }
  if (name == "volume") {
    const std::string interval = Param(q, "interval", "month");
    std::map<std::string, std::pair<int64_t, std::map<std::string, int64_t>>> totals;
    std::map<std::string, std::map<std::string, int64_t>> keywords;
    for (const TicketState& t : f.tickets) {
      if (!w.Contains(t.created_at) || !CategoryMatches(q, t)) continue;
      const std::string k = Key(group_by, t);
      ++totals[k].first;
      ++totals[k].second[interval == "day"    ? DayKey(t.created_at)
                         : interval == "week" ? IsoWeekKey(t.created_at)
                                              : MonthKey(t.created_at)];
      for (const auto& kw : tl::projections::DescriptionKeywords(t.description)) {
        ++keywords[k][kw];
      }
    }
    for (const auto& [k, total] : totals) {
      json::object by_interval;
      for (const auto& [i, n] : total.second) by_interval[i] = n;
      std::vector<std::pair<std::string, int64_t>> top(keywords[k].begin(), keywords[k].end());
      std::stable_sort(top.begin(), top.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      json::array kws;
      for (size_t i = 0; i < std::min<size_t>(10, top.size()); ++i) {
        kws.push_back(json::object{{"keyword", top[i].first}, {"count", top[i].second}});
      }
      groups.push_back(json::object{
          {"key", k}, {"total", total.first}, {"by_interval", by_interval}, {"top_keywords", kws}});
    }
    return {{"groups", groups}};
  }
  if (name == "dashboard") {
    const int64_t days = std::stoll(Param(q, "days", "100"));
    std::map<std::string, std::pair<int64_t, std::map<std::string, int64_t>>> rows;
    int64_t total = 0;
    for (const TicketState& t : f.tickets) {
      if (!t.is_open() || t.category != Category::kSupport) continue;
      if (!(t.created_at > now - days * kDay && t.created_at <= now)) continue;
      if (q.contains("queue") && t.queue != q.at("queue")) continue;
      ++rows[t.service].first;
      ++rows[t.service].second[IsoWeekKey(t.created_at)];
      ++total;
    }
    json::array out;
    for (const auto& [s, r] : rows) {
      json::object weeks;
      for (const auto& [wk, n] : r.second) weeks[wk] = n;
      out.push_back(json::object{{"service", s}, {"total", r.first}, {"by_week", weeks}});
    }
    return {{"now", FormatRfc3339(now)}, {"total", total}, {"rows", out}};
  }
  if (name == "workload") {
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, TimeNs>> by;
    for (const TicketState& t : f.tickets) {
      if (!t.is_open()) continue;
      if (q.contains("queue") && t.queue != q.at("queue")) continue;
      auto [it, fresh] = by.try_emplace({t.queue, t.owner}, 0, t.created_at);
      ++it->second.first;
      it->second.second = std::min(it->second.second, t.created_at);
    }
    for (const auto& [k, v] : by) {
      groups.push_back(
          json::object{{"queue", k.first},
                       {"owner", k.second.empty() ? json::value(nullptr) : json::value(k.second)},
                       {"open", v.first},
                       {"oldest_created_at", FormatRfc3339(v.second)},
                       {"oldest_age_s", Seconds(now - v.second)}});
    }
    return {{"now", FormatRfc3339(now)}, {"groups", groups}};
  }
  if (name == "misroutes") {
    std::map<std::pair<std::string, std::string>, int64_t> by;
    for (size_t i = 0; i < f.tickets.size(); ++i) {
      if (!w.Contains(f.tickets[i].created_at)) continue;
      for (const auto& from : f.facts[i].misrouted_from) ++by[{f.tickets[i].service, from}];
    }
    for (const auto& [k, n] : by) {
      groups.push_back(json::object{{"service", k.first}, {"from_queue", k.second}, {"count", n}});
    }
    return {{"groups", groups}};
  }
  if (name == "satisfaction") {
    struct G {
      int64_t feedback = 0, score = 0, invited = 0, within = 0;
    };
    std::map<std::string, G> by;
    for (size_t i = 0; i < f.tickets.size(); ++i) {
      const TicketState& t = f.tickets[i];
      if (!w.Contains(t.created_at)) continue;
      if (!t.feedback && f.facts[i].invited == 0) continue;
      G& g = by[Key(group_by, t)];
      if (t.feedback) {
        ++g.feedback;
        g.score += t.feedback->score;
      }
      g.invited += f.facts[i].invited;
      g.within += f.facts[i].invited_within;
    }
    for (const auto& [k, g] : by) {
      groups.push_back(json::object{
          {"key", k},
          {"feedback", g.feedback},
          {"mean_score", g.feedback ? json::value(static_cast<double>(g.score) / g.feedback)
                                    : json::value(nullptr)},
          {"invited", g.invited},
          {"invited_within_2h", g.within},
          {"invited_within_2h_share", g.invited
                                          ? json::value(static_cast<double>(g.within) / g.invited)
                                          : json::value(nullptr)}});
    }
    return {{"groups", groups}};
  }
  if (name == "compliance") {
    static const char* kKeys[] = {
        "resolved",    "resolved_with_solution", "stalls",  "stalls_with_follow_up",
        "assignments", "assignments_in_queue",   "invited", "invited_within_2h"};
    std::map<std::string, std::array<int64_t, 8>> by;
    for (size_t i = 0; i < f.tickets.size(); ++i) {
      if (!w.Contains(f.tickets[i].created_at)) continue;
      if (f.facts[i].compliance == std::array<int64_t, 8>{}) continue;
      auto& g = by[Key(group_by, f.tickets[i])];
      for (size_t c = 0; c < 8; ++c) g[c] += f.facts[i].compliance[c];
    }
    for (const auto& [k, g] : by) {
      json::object o{{"key", k}};
      for (size_t c = 0; c < 8; ++c) o[kKeys[c]] = g[c];
      groups.push_back(o);
    }
    return {{"groups", groups}};
  }
  if (name == "followups") {
    std::vector<const TicketState*> due;
    for (const TicketState& t : f.tickets) {
      if (t.status == TicketStatus::kStalled && t.stalled && t.stalled->follow_up_at != 0 &&
          t.stalled->follow_up_at < now) {
        due.push_back(&t);
      }
    }
    std::sort(due.begin(), due.end(), [](const TicketState* a, const TicketState* b) {
      return std::pair(a->stalled->follow_up_at, a->id) <
             std::pair(b->stalled->follow_up_at, b->id);
    });
    json::array out;
    for (const TicketState* t : due) {
      const TicketTexts& texts = f.facts[t->id.value() - 1].texts;
      out.push_back(
          json::object{{"id", t->id.value()},
                       {"queue", t->queue},
                       {"owner", t->owner.empty() ? json::value(nullptr) : json::value(t->owner)},
                       {"awaiting", texts.awaiting},
                       {"follow_up_at", FormatRfc3339(t->stalled->follow_up_at)}});
    }
    return {{"now", FormatRfc3339(now)}, {"tickets", out}};
  }
  // feedback-pending
  std::vector<const TicketState*> pending;
  for (const TicketState& t : f.tickets) {
    if (t.status == TicketStatus::kResolved && !t.invited_since_resolution) pending.push_back(&t);
  }
  std::sort(pending.begin(), pending.end(), [](const TicketState* a, const TicketState* b) {
    return std::pair(*a->resolved_at, a->id) < std::pair(*b->resolved_at, b->id);
  });
  json::array out;
  for (const TicketState* t : pending) {
    out.push_back(json::object{{"id", t->id.value()},
                               {"resolved_at", FormatRfc3339(*t->resolved_at)},
                               {"due_at", FormatRfc3339(*t->resolved_at + kDue)},
                               {"overdue", now > *t->resolved_at + kDue}});
  }
  return {{"now", FormatRfc3339(now)}, {"tickets", out}};
}

// Equal as JSON, numbers compared by value (a mean may differ in its last bit by summation
// order; integers must be equal).
bool Same(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.to_number<double>(), y = b.to_number<double>();
    return x == y || std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &x = a.as_array(), &y = b.as_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!Same(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto &x = a.as_object(), &y = b.as_object();
    if (x.size() != y.size()) return false;
    for (const auto& [k, v] : x) {
      if (!y.contains(k) || !Same(v, y.at(k))) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

TEST_CASE(
    "every report on random histories equals docs/api.md's definitions applied ticket by ticket",
    "[server][reports][oracle]") {
  for (uint64_t seed : {31, 32}) {
    TempDir dir;
    RandomHistory history(RandomHistoryOptions{.seed = seed, .mean_gap = 30 * kMinute});
    LogOptions log_options;
    log_options.sync = false;
    log_options.clock = history.clock();
    auto log = OpenLog(dir.str(), log_options);
    tl::projections::Options options;
    options.checkpoint_every = 0;
    auto live = tl::projections::Projections::Open(*log, tl::projections::StandardModels(), options,
                                                   /*attach=*/true);
    REQUIRE(live.ok());
    tl::server::ReportBodies bodies((*live)->reports());
    REQUIRE(history.Extend(*log, 600).ok());
    const Folded folded = Fold(*log);
    auto grid = ReportGrid(kMonday);
    // Windows at odd instants across the whole history, too.
    for (int i = 1; i <= 12; ++i) {
      const std::string from = FormatRfc3339(kMonday + i * 5 * kDay + i * 3331 * kNanosPerSecond);
      const std::string to = FormatRfc3339(kMonday + i * 9 * kDay + i * 777 * kNanosPerSecond);
      for (const char* r : {"response-times", "misroutes", "satisfaction", "compliance"}) {
        grid.push_back({r, {{"from", from}, {"to", to}}});
      }
      grid.push_back({"volume", {{"from", from}, {"to", to}, {"interval", "week"}}});
      grid.push_back({"dashboard", {{"now", to}, {"days", std::to_string(i * 3)}}});
    }
    for (const auto& [name, params] : grid) {
      const tl::server::ReportEndpoint* endpoint = tl::server::FindReportEndpoint(name);
      REQUIRE(endpoint);
      auto body = bodies.Get(*endpoint, params);
      REQUIRE(body.ok());
      const json::value actual = json::parse(**body);
      const json::object expected = Oracle(folded, name, params);
      std::string query;
      for (const auto& [k, v] : params) query += "&" + k + "=" + v;
      INFO("seed " << seed << " " << name << " " << query);
      INFO("actual:   " << **body);
      INFO("expected: " << json::serialize(expected));
      CHECK(Same(actual, expected));
    }
    log.reset();
  }
}
