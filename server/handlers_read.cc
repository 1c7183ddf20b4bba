// Read endpoints: tickets, lists, history, the event feed, verify, reference data, reports.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>

#include "ledger/domain/time_format.h"
#include "server/error_mapping.h"
#include "server/event_feed.h"
#include "server/event_json.h"
#include "server/handlers.h"
#include "server/json_input.h"
#include "server/report_json.h"
#include "server/report_params.h"

namespace tl::server {

namespace json = boost::json;
using namespace tl::ledger;

namespace {

constexpr size_t kListDefaultLimit = 100, kListMaxLimit = 1000;
constexpr size_t kEventsDefaultLimit = 1000, kEventsMaxLimit = 10000;

// A parameter's value; an empty one (`queue=`) counts as absent.
const std::string* Param(const Request& req, std::string_view name) {
  auto it = req.query.find(name);
  return it == req.query.end() || it->second.empty() ? nullptr : &it->second;
}

// A limit: absent -> the default; 0 or malformed -> bad_field; above max -> max.
Result<size_t> Limit(const Request& req, size_t default_limit, size_t max_limit) {
  TL_ASSIGN_OR_RETURN(auto limit, QueryUnsigned(req.query, "limit"));
  if (!limit) return default_limit;
  if (*limit == 0) return Status::BadField("limit must be a positive integer");
  return static_cast<size_t>(std::min<uint64_t>(*limit, max_limit));
}

Result<projections::TicketFilter> ListFilter(const Request& req) {
  projections::TicketFilter f;
  if (const std::string* statuses = Param(req, "status"); statuses && !statuses->empty()) {
    std::string_view rest = *statuses;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      auto status = ParseStatus(name);
      if (!status) {
        return Status::BadField(
            fmt::format("status must be a comma-separated list of new, open, stalled, resolved"));
      }
      f.statuses.push_back(*status);
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
  }
  for (auto [name, field] : {std::pair{"queue", &f.queue}, std::pair{"service", &f.service},
                             std::pair{"owner", &f.owner}}) {
    if (const std::string* v = Param(req, name); v && !v->empty()) *field = *v;
  }
  if (const std::string* c = Param(req, "category"); c && !c->empty()) {
    auto category = ParseCategory(*c);
    if (!category) {
      return Status::BadField(
          "category must be one of support, order, termination, incident, "
          "change");
    }
    f.category = *category;
  }
  TL_ASSIGN_OR_RETURN(auto after, QueryUnsigned(req.query, "after"));
  f.after = TicketId(after.value_or(0));
  TL_ASSIGN_OR_RETURN(f.limit, Limit(req, kListDefaultLimit, kListMaxLimit));
  return f;
}

json::array EventsJson(const std::vector<StoredEvent>& events) {
  json::array out;
  out.reserve(events.size());
  for (const StoredEvent& e : events) out.push_back(EventToJson(e));
  return out;
}

// The `{id}` capture; the route's pattern admits only ticket ids, so nullopt means the handler
// was called without one.
std::optional<TicketId> TicketIdOf(const Request& req) {
  return ParseTicketId(PathParam(req, "id"));
}

Response NoSuchResource() { return ErrorResponse(404, "not_found", "no such resource"); }

}  // namespace

Response GetTicket(const Request& req, const projections::Projections& read_models) {
  const std::optional<TicketId> id = TicketIdOf(req);
  if (!id) return NoSuchResource();
  auto as_of = ParsePastPoint(req.query);
  if (!as_of.ok()) return StatusResponse(as_of.status());
  if (*as_of) {
    auto state = read_models.TicketAsOf(*id, **as_of);
    if (!state.ok()) return StatusResponse(state.status());
    auto texts = read_models.TextsOf(*state);
    if (!texts.ok()) return StatusResponse(texts.status());
    return JsonResponse(200, TicketToJson(*state, *texts));
  }
  auto state = read_models.Ticket(*id);
  if (!state) return StatusResponse(Status::NotFound(fmt::format("no ticket {}", *id)));
  auto texts = read_models.TextsOf(*state);
  if (!texts.ok()) return StatusResponse(texts.status());
  return JsonResponse(200, TicketToJson(*state, *texts));
}

Response ListTickets(const Request& req, TicketListing& listing) {
  const projections::Projections& read_models = *listing.read_models;
  auto filter = ListFilter(req);
  if (!filter.ok()) return StatusResponse(filter.status());
  if (const std::string* requester = Param(req, "requester"); requester && !requester->empty()) {
    if (!listing.requesters) {
      return StatusResponse(Status::BadField("this server has no requester index"));
    }
    auto matcher = listing.requesters->Matcher(*requester);
    if (!matcher.ok()) return StatusResponse(matcher.status());
    filter->also = std::move(matcher).value();
  }
  auto point = ParsePastPoint(req.query);
  if (!point.ok()) return StatusResponse(point.status());
  // At a past point, the same list from the projections folded up to it (docs/api.md "Looking
  // into the past").
  std::shared_ptr<const projections::Projections> past;
  if (*point) {
    auto at = read_models.reports().At(**point);
    if (!at.ok()) return StatusResponse(at.status());
    past = std::move(at).value();
  }
  const projections::Projections& source = past ? *past : read_models;
  const projections::TicketPage page = source.ListTickets(*filter);
  // The texts from the log, as of each listed state (projections/ticket_texts.h).
  auto texts = source.TextsOf(page.tickets);
  if (!texts.ok()) return StatusResponse(texts.status());
  json::array tickets;
  tickets.reserve(page.tickets.size());
  for (size_t i = 0; i < page.tickets.size(); ++i) {
    tickets.push_back(TicketToJson(page.tickets[i], (*texts)[i]));
  }
  json::object body{{"tickets", std::move(tickets)},
                    {"next", page.next ? json::value(page.next->value()) : json::value(nullptr)}};
  if (*point) AddPastPoint(body, **point);
  return JsonResponse(200, std::move(body));
}

Response GetHistory(const Request& req, const EventLog& log) {
  const std::optional<TicketId> id = TicketIdOf(req);
  if (!id) return NoSuchResource();
  auto events = log.ReadStream(StreamId::Ticket(*id));
  if (!events.ok()) return StatusResponse(events.status());
  if (events->empty()) return StatusResponse(Status::NotFound(fmt::format("no ticket {}", *id)));
  return JsonResponse(200, json::object{{"events", EventsJson(*events)}});
}

Response GetEvents(const Request& req, const EventLog& log) {
  auto after = QueryUnsigned(req.query, "after");
  if (!after.ok()) return StatusResponse(after.status());
  auto limit = Limit(req, kEventsDefaultLimit, kEventsMaxLimit);
  if (!limit.ok()) return StatusResponse(limit.status());
  // The first page decides: a feed that fits in it is answered whole, a longer one is streamed
  // page by page (event_feed.h), so that no connection holds 10 MB of JSON.
  const ledger::Seq from(after->value_or(0));
  const size_t first = std::min(*limit, kFeedPage);
  auto events = log.Read(from, first);
  if (!events.ok()) return StatusResponse(events.status());
  if (events->size() < first || *limit == first) {
    return JsonResponse(200, json::object{{"events", EventsJson(*events)}});
  }
  Response r;
  r.body_source = EventFeedBody(log, from, std::move(events).value(), *limit);
  return r;
}

Response GetVerify(const Request&, const AuditLog& audit) {
  const VerifyReport report =
      app::VerifyLedger(audit.log, audit.signer ? &audit.signer->verifier() : nullptr, {});
  json::object o;
  o["ok"] = report.ok;
  o["events"] = report.events.value();
  o["head"] = HashToHex(report.head);
  if (!report.ok) {
    o["seq"] = report.bad_seq.value();
    o["reason"] = report.reason;
  }
  return JsonResponse(200, o);
}

Response GetQueues(const Request&, const projections::Projections& read_models) {
  auto reference = read_models.Reference();
  json::array queues;
  for (const auto& [name, q] : reference->queues) {
    json::array members;
    for (const auto& m : q.members) members.emplace_back(m);
    queues.push_back(json::object{{"name", name},
                                  {"members", std::move(members)},
                                  {"first_line", q.first_line},
                                  {"version", q.version.value()}});
  }
  return JsonResponse(200, json::object{{"queues", std::move(queues)}});
}

Response GetServices(const Request&, const projections::Projections& read_models) {
  auto reference = read_models.Reference();
  json::array services;
  for (const auto& [name, s] : reference->services) {
    services.push_back(
        json::object{{"name", name}, {"title", s.title}, {"version", s.version.value()}});
  }
  return JsonResponse(200, json::object{{"services", std::move(services)}});
}

Response GetReport(const Request& req, ReportBodies& reports, const ReportEndpoint& endpoint) {
  auto report = reports.Get(endpoint, req.query);
  if (!report.ok()) return StatusResponse(report.status());
  Response r;
  r.body = **report;
  return r;
}

}  // namespace tl::server
