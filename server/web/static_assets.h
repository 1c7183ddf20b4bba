// The dashboard page (issue 5, docs/page.md): its HTML, CSS, scripts and the Chart.js library,
// compiled into the binary so that `ticketledger serve` needs no files beside it and the
// browser fetches nothing from elsewhere.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/http_message.h"

namespace tl::server::web {

// For ServerContext::static_assets: answers "/" (the page) and "/assets/<file>" with the
// embedded file, its Content-Type, an ETag and `Cache-Control: no-cache` (the browser
// revalidates, so a new binary's page is never mixed with an old one's scripts); the page
// itself also carries a Content-Security-Policy that allows only this origin. nullopt for a
// path that is not embedded (the router answers 404). The router has already checked the
// method (GET or HEAD). Thread-safe.
std::optional<Response> ServeStaticAsset(const Request& request);

// The URL paths of every embedded file, for tests.
std::vector<std::string> StaticAssetPaths();

}  // namespace tl::server::web
