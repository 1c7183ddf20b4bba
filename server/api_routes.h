// docs/api.md's endpoints as one route table (route_table.h): every path, method and permission of
// the contract, each bound to its handler and the one service that handler uses.
#pragma once

#include "server/context.h"
#include "server/route_table.h"

namespace tl::server {

// The table of docs/api.md's endpoints over `ctx`'s services, which must outlive it. The caller may
// add routes of its own before serving.
RouteTable ApiRoutes(ServerContext& ctx);

}  // namespace tl::server
