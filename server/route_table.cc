#include "server/route_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace tl::server {

namespace {

// "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}. Empty for a path without the leading
// slash, which no pattern matches.
std::vector<std::string_view> Split(std::string_view path) {
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

bool Routable(Method m) {
  return m == Method::kGet || m == Method::kPost || m == Method::kPut || m == Method::kDelete ||
         m == Method::kPatch;
}

}  // namespace

std::optional<ledger::TicketId> ParseTicketId(std::string_view s) {
  if (s.empty() || s[0] == '0' || s.size() > 19) return std::nullopt;
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return ledger::TicketId(id);
}

std::vector<RouteTable::Segment> RouteTable::ParsePattern(std::string_view pattern) {
  auto bad = [&](std::string_view why) {
    return std::invalid_argument(fmt::format("route pattern '{}': {}", pattern, why));
  };
  if (pattern.empty() || pattern[0] != '/') throw bad("must start with '/'");
  std::vector<Segment> segments;
  const std::vector<std::string_view> parts = Split(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (!part.starts_with('{')) {
      if (part.find_first_of("{}") != std::string_view::npos) throw bad("a brace in a literal");
      segments.push_back({Segment::Kind::kLiteral, std::string(part)});
      continue;
    }
    if (!part.ends_with('}')) throw bad("a capture must be a whole segment");
    std::string_view inner = part.substr(1, part.size() - 2);
    Segment::Kind kind = Segment::Kind::kAny;
    if (inner.ends_with("...")) {
      if (i + 1 != parts.size()) throw bad("{name...} must be the last segment");
      inner.remove_suffix(3);
      kind = Segment::Kind::kRest;
    } else if (const size_t colon = inner.find(':'); colon != std::string_view::npos) {
      if (inner.substr(colon + 1) != "ticket") throw bad("the only capture type is 'ticket'");
      inner = inner.substr(0, colon);
      kind = Segment::Kind::kTicketId;
    }
    if (inner.empty()) throw bad("a capture needs a name");
    segments.push_back({kind, std::string(inner)});
  }
  return segments;
}

bool RouteTable::Matches(const std::vector<Segment>& segments,
                         const std::vector<std::string_view>& path, PathParams* captures) {
  const bool rest = !segments.empty() && segments.back().kind == Segment::Kind::kRest;
  if (rest ? path.size() < segments.size() : path.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = segments[i];
    const std::string_view part = path[i];
    switch (s.kind) {
      case Segment::Kind::kLiteral:
        if (part != s.text) return false;
        break;
      case Segment::Kind::kAny:
        if (part.empty()) return false;
        break;
      case Segment::Kind::kTicketId:
        if (!ParseTicketId(part)) return false;
        break;
      case Segment::Kind::kRest:
        break;
    }
  }
  if (!captures) return true;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = segments[i];
    if (s.kind == Segment::Kind::kLiteral) continue;
    std::string value(path[i]);
    if (s.kind == Segment::Kind::kRest) {
      for (size_t j = i + 1; j < path.size(); ++j) (value += '/') += path[j];
    }
    captures->emplace_back(s.text, std::move(value));
  }
  return true;
}

void RouteTable::Add(Route route) {
  if (!Routable(route.method)) {
    throw std::invalid_argument(fmt::format("route {} {}: not a method a route may take",
                                            MethodName(route.method), route.pattern));
  }
  std::vector<Segment> segments = ParsePattern(route.pattern);
  for (const Entry& e : entries_) {
    if (e.route.method == route.method && e.route.pattern == route.pattern) {
      throw std::invalid_argument(fmt::format("route {} {} is already in the table",
                                              MethodName(route.method), route.pattern));
    }
  }
  entries_.push_back(Entry{std::move(segments), std::move(route)});
}

std::vector<std::string> RouteTable::AllowedAt(std::string_view path) const {
  const std::vector<std::string_view> parts = Split(path);
  std::vector<std::string> allowed;
  auto allow = [&](std::string_view method) {
    if (std::find(allowed.begin(), allowed.end(), method) == allowed.end()) {
      allowed.emplace_back(method);
    }
  };
  for (const Entry& e : entries_) {
    if (!Matches(e.segments, parts, nullptr)) continue;
    allow(MethodName(e.route.method));
    if (e.route.method == Method::kGet) allow("HEAD");
  }
  return allowed;
}

std::optional<Response> RouteTable::Answer(Request req, Later later, Answered* answered) const {
  const Method method = req.method == Method::kHead ? Method::kGet : req.method;
  const std::vector<std::string_view> parts = Split(req.path);
  const Entry* found = nullptr;
  bool known = false;
  for (const Entry& e : entries_) {
    if (!Matches(e.segments, parts, nullptr)) continue;
    known = true;
    if (e.route.method == method) {
      found = &e;
      break;
    }
  }
  if (!known) return ErrorResponse(404, "not_found", "no such resource");
  if (!found) {
    Response r = ErrorResponse(405, "method_not_allowed",
                               fmt::format("{} is not allowed here", req.method_text));
    std::string allow;
    for (const std::string& m : AllowedAt(req.path)) {
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
    r.headers.emplace_back("Allow", std::move(allow));
    return r;
  }
  // `parts` views req.path, which the captures copy before the request is handed on.
  PathParams captures;
  Matches(found->segments, parts, &captures);
  req.path_params = std::move(captures);
  const Route& route = found->route;
  if (answered) answered->route = route.pattern;
  if (!route.access) return route.handler(req, nullptr, std::move(later));

  auto principal = auth_.Authenticate(req.authorization);
  if (!principal) {
    Response r = ErrorResponse(
        401, "unauthenticated",
        req.authorization.empty() ? "a bearer token is required" : "the token is not valid");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (answered) answered->actor = principal->actor;
  if (!Allows(principal->role, *route.access)) {
    return ErrorResponse(403, "forbidden",
                         fmt::format("role {} may not do this", RoleName(principal->role)));
  }
  return route.handler(req, &*principal, std::move(later));
}

}  // namespace tl::server
