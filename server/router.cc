#include "server/router.h"

#include <fmt/format.h>

#include <charconv>
#include <string_view>
#include <vector>

#include "server/error_mapping.h"
#include "server/report_bodies.h"

namespace tl::server {

namespace {

enum class Endpoint {
  kStatic,
  kHealthz,
  kReadyz,
  kMetrics,
  kBenchBare,
  kTickets,        // GET list, POST create
  kTicket,         // GET
  kTicketActions,  // POST
  kTicketHistory,  // GET
  kQueues,         // GET
  kQueue,          // PUT
  kServices,       // GET
  kService,        // PUT
  kReport,         // GET
  kEvents,         // GET
  kVerify,         // GET
};

struct Match {
  Endpoint endpoint;
  ledger::TicketId id = 0;
  std::string name;  // queue, service or report name
};

// Who may call an endpoint with a method. kNone: no token needed.
enum class Need { kNone, kRead, kAct, kAudit, kAdmin };

struct Allowed {
  Method method;
  Need need;
};

std::vector<Allowed> MethodsOf(Endpoint e) {
  switch (e) {
    case Endpoint::kStatic:
    case Endpoint::kHealthz:
    case Endpoint::kReadyz:
    case Endpoint::kMetrics:
    case Endpoint::kBenchBare: return {{Method::kGet, Need::kNone}};
    case Endpoint::kTickets: return {{Method::kGet, Need::kRead}, {Method::kPost, Need::kAct}};
    case Endpoint::kTicket:
    case Endpoint::kQueues:
    case Endpoint::kServices:
    case Endpoint::kReport: return {{Method::kGet, Need::kRead}};
    case Endpoint::kTicketActions: return {{Method::kPost, Need::kAct}};
    case Endpoint::kTicketHistory:
    case Endpoint::kEvents:
    case Endpoint::kVerify: return {{Method::kGet, Need::kAudit}};
    case Endpoint::kQueue:
    case Endpoint::kService: return {{Method::kPut, Need::kAdmin}};
  }
  return {};
}

Permission PermissionFor(Need need) {
  switch (need) {
    case Need::kAct: return Permission::kAct;
    case Need::kAudit: return Permission::kAudit;
    case Need::kAdmin: return Permission::kAdmin;
    default: return Permission::kRead;
  }
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path[0] != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// A ticket id in a path: a positive decimal integer without sign or leading zeros.
std::optional<ledger::TicketId> TicketIdOf(std::string_view s) {
  if (s.empty() || s[0] == '0' || s.size() > 19) return std::nullopt;
  ledger::TicketId id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return id;
}

bool IsReportName(std::string_view name) { return FindReportEndpoint(name) != nullptr; }

std::optional<Match> MatchPath(std::string_view path, const ServerContext& ctx) {
  if (path == "/" || path.starts_with("/assets/")) return Match{Endpoint::kStatic};
  if (path == "/healthz") return Match{Endpoint::kHealthz};
  if (path == "/readyz") return Match{Endpoint::kReadyz};
  if (path == "/metrics") return Match{Endpoint::kMetrics};
  if (path == "/bench/bare" && ctx.bench_bare_route) return Match{Endpoint::kBenchBare};
  const auto s = Segments(path);
  if (s.size() < 3 || s[0] != "api" || s[1] != "v1") return std::nullopt;
  const std::string_view top = s[2];
  const size_t n = s.size();
  if (top == "tickets") {
    if (n == 3) return Match{Endpoint::kTickets};
    auto id = TicketIdOf(s[3]);
    if (!id) return std::nullopt;
    if (n == 4) return Match{Endpoint::kTicket, *id};
    if (n == 5 && s[4] == "actions") return Match{Endpoint::kTicketActions, *id};
    if (n == 5 && s[4] == "history") return Match{Endpoint::kTicketHistory, *id};
    return std::nullopt;
  }
  if (top == "queues" || top == "services") {
    const bool queue = top == "queues";
    if (n == 3) return Match{queue ? Endpoint::kQueues : Endpoint::kServices};
    if (n == 4 && !s[3].empty()) {
      return Match{queue ? Endpoint::kQueue : Endpoint::kService, 0, std::string(s[3])};
    }
    return std::nullopt;
  }
  if (top == "reports" && n == 4 && IsReportName(s[3]) && s[3] != "dashboard" &&
      s[3] != "followups" && s[3] != "feedback-pending") {
    return Match{Endpoint::kReport, 0, std::string(s[3])};
  }
  if (n == 3 && top == "dashboard") return Match{Endpoint::kReport, 0, "dashboard"};
  if (n == 3 && top == "followups") return Match{Endpoint::kReport, 0, "followups"};
  if (n == 4 && top == "feedback" && s[3] == "pending") {
    return Match{Endpoint::kReport, 0, "feedback-pending"};
  }
  if (n == 3 && top == "events") return Match{Endpoint::kEvents};
  if (n == 4 && top == "audit" && s[3] == "verify") return Match{Endpoint::kVerify};
  return std::nullopt;
}

Response Dispatch(const Match& m, const Request& req, ServerContext& ctx) {
  switch (m.endpoint) {
    case Endpoint::kStatic: {
      if (ctx.static_assets) {
        if (auto r = ctx.static_assets(req)) return std::move(*r);
      }
      return ErrorResponse(404, "not_found", "nothing is served at this path");
    }
    case Endpoint::kHealthz: return Healthz(ctx);
    case Endpoint::kReadyz: return Readyz(ctx);
    case Endpoint::kMetrics: return Metrics(ctx);
    case Endpoint::kBenchBare: return BenchBare();
    case Endpoint::kTickets: return ListTickets(req, ctx);
    case Endpoint::kTicket: return GetTicket(req, ctx, m.id);
    case Endpoint::kTicketHistory: return GetHistory(req, ctx, m.id);
    case Endpoint::kQueues: return GetQueues(req, ctx);
    case Endpoint::kServices: return GetServices(req, ctx);
    case Endpoint::kReport: return GetReport(req, ctx, m.name);
    case Endpoint::kEvents: return GetEvents(req, ctx);
    case Endpoint::kVerify: return GetVerify(req, ctx);
    default: break;
  }
  return ErrorResponse(500, "internal", "no handler");
}

}  // namespace

std::optional<Response> Route(const Request& req, ServerContext& ctx, Later later,
                              std::string* actor) {
  auto m = MatchPath(req.path, ctx);
  if (!m) return ErrorResponse(404, "not_found", "no such resource");
  const Method method = req.method == Method::kHead ? Method::kGet : req.method;
  const std::vector<Allowed> allowed = MethodsOf(m->endpoint);
  const Allowed* match = nullptr;
  for (const Allowed& a : allowed) {
    if (a.method == method) match = &a;
  }
  if (!match) {
    Response r = ErrorResponse(405, "method_not_allowed",
                               fmt::format("{} is not allowed here", req.method_text));
    std::string allow;
    for (const Allowed& a : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += MethodName(a.method);
      if (a.method == Method::kGet) allow += ", HEAD";
    }
    r.headers.emplace_back("Allow", std::move(allow));
    return r;
  }
  if (match->need == Need::kNone) return Dispatch(*m, req, ctx);

  auto principal = ctx.auth.Authenticate(req.authorization);
  if (!principal) {
    Response r = ErrorResponse(401, "unauthenticated",
                               req.authorization.empty() ? "a bearer token is required"
                                                         : "the token is not valid");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  *actor = principal->actor;
  if (!Allows(principal->role, PermissionFor(match->need))) {
    Response r = ErrorResponse(
        403, "forbidden", fmt::format("role {} may not do this", RoleName(principal->role)));
    return r;
  }
  std::optional<Response> r;
  switch (m->endpoint) {
    case Endpoint::kTickets:
      r = method == Method::kPost ? PostTicket(req, ctx, *principal, std::move(later))
                                  : Dispatch(*m, req, ctx);
      break;
    case Endpoint::kTicketActions:
      r = PostAction(req, ctx, *principal, m->id, std::move(later));
      break;
    case Endpoint::kQueue: r = PutQueue(req, ctx, *principal, m->name, std::move(later)); break;
    case Endpoint::kService:
      r = PutService(req, ctx, *principal, m->name, std::move(later));
      break;
    default: r = Dispatch(*m, req, ctx);
  }
  return r;
}

}  // namespace tl::server
