// RouteTable: the server's one declarative table of endpoints (docs/architecture.md, "The
// server"). Each route is (method, path pattern, who may call it, handler); the table finds
// the route for a request, answers 404 for a path no pattern matches and 405 (with `Allow`)
// for a known path with another method, authenticates the caller (401) and checks the role's
// permission (403), then calls the handler. HEAD is answered as GET; the session drops the body.
//
// Handlers are plain functions of the request and the one service they use (handlers.h),
// bound to that service when the route is added: Read() and Write() below. Whoever wires a
// server builds the table (api_routes.h for docs/api.md's endpoints) and may add routes of its own:
// the HTTP benchmark adds its bare handler, which the product does not serve.
//
// Thread-safety: Add while wiring, on one thread; Answer from any number of threads after.
// Ownership: the table refers to the Authenticator (which must outlive it); handlers refer to
// their services, which must too.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ledger/domain/types.h"
#include "server/auth.h"
#include "server/http_message.h"

namespace tl::server {

// How a handler answers after it has returned: called exactly once, possibly on another thread.
using Later = std::function<void(Response)>;

// A route's handler: the request (with its path captures), the authenticated caller (null on a
// route anyone may call), and `later`. Returns the answer, or nullopt when it comes through
// `later` (a write that reached the ledger).
using Handler = std::function<std::optional<Response>(const Request& req, const Principal* caller,
                                                      Later later)>;

// Who may call a route: anyone without a token (kAnyone), or a caller with this permission.
using Access = std::optional<Permission>;
inline constexpr Access kAnyone = std::nullopt;

struct Route {
  Method method;
  // '/'-separated segments, each a literal, `{name}` (one non-empty segment), `{name:ticket}`
  // (a ticket id: a positive decimal without sign or leading zeros) or, last, `{name...}` (the
  // rest of the path, possibly empty). The captures go to Request::path_params.
  // Examples: "/api/v1/tickets/{id:ticket}/history", "/api/v1/queues/{name}", "/assets/{path...}".
  std::string pattern;
  Access access;
  Handler handler;
};

class RouteTable {
 public:
  explicit RouteTable(const Authenticator& auth) : auth_(auth) {}

  // Adds a route after those already there. Throws std::invalid_argument for a malformed
  // pattern, a method other than GET, POST, PUT, DELETE or PATCH, or a (method, pattern) that
  // is already routed: each is a bug in the wiring, found at start-up.
  void Add(Route route);

  // What the access log and the metrics say about an answered request.
  struct Answered {
    std::string actor;       // the caller's actor once authenticated; empty for anonymous ones
    std::string_view route;  // the matched route's pattern (the table's); empty when none did
  };
  // Answers `req`: at once (the return value) or through `later` (see Handler). `*answered`
  // (optional) is filled in as far as the request got.
  std::optional<Response> Answer(Request req, Later later, Answered* answered = nullptr) const;

  // The methods the routes at `path` take, in the order of the table, with HEAD after GET (the
  // `Allow` of a 405); empty when no pattern matches `path` (a 404).
  std::vector<std::string> AllowedAt(std::string_view path) const;

 private:
  struct Segment {
    enum class Kind { kLiteral, kAny, kTicketId, kRest } kind;
    std::string text;  // the literal, or the capture's name
  };
  struct Entry {
    std::vector<Segment> segments;
    Route route;
  };
  static std::vector<Segment> ParsePattern(std::string_view pattern);
  // Whether `path` (split at '/') matches `segments`; the captures go to `*captures` if given.
  static bool Matches(const std::vector<Segment>& segments,
                      const std::vector<std::string_view>& path, PathParams* captures);

  const Authenticator& auth_;
  std::vector<Entry> entries_;
};

// A ticket id as a path segment: a positive decimal integer without sign or leading zeros that
// fits in 64 bits; nullopt otherwise.
std::optional<ledger::TicketId> ParseTicketId(std::string_view segment);

// A route handler from a read handler `handler(req, service)`, bound to `service`.
template <class Service>
Handler Read(Response (*handler)(const Request&, Service&),
             std::type_identity_t<Service>& service) {
  return [handler, &service](const Request& req, const Principal*, Later) {
    return std::optional<Response>(handler(req, service));
  };
}

// A route handler from a read handler that needs nothing but the request.
inline Handler Read(Response (*handler)(const Request&)) {
  return [handler](const Request& req, const Principal*, Later) {
    return std::optional<Response>(handler(req));
  };
}

// A route handler from a write handler `handler(req, caller, service, later)`, bound to
// `service`. For routes that need a permission: a write always has a caller.
template <class Service>
Handler Write(std::optional<Response> (*handler)(const Request&, const Principal&, Service&, Later),
              std::type_identity_t<Service>& service) {
  return [handler, &service](const Request& req, const Principal* caller, Later later) {
    if (!caller) return std::optional<Response>(ErrorResponse(500, "internal", "no caller"));
    return handler(req, *caller, service, std::move(later));
  };
}

}  // namespace tl::server
