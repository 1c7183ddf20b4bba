#include "server/web/static_assets.h"

#include "server/web/embedded_assets.h"

namespace tl::server::web {

namespace {

// The page loads scripts, styles and data only from its own origin; Chart.js sets canvas sizes
// through the CSSOM, which style-src does not govern.
constexpr std::string_view kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

}  // namespace

std::optional<Response> ServeStaticAsset(const Request& request) {
  for (const EmbeddedAsset& asset : EmbeddedAssets()) {
    if (asset.path != request.path) continue;
    Response r;
    r.status = 200;
    r.content_type = std::string(asset.content_type);
    r.body = std::string(asset.body);
    r.headers.emplace_back("ETag", std::string(asset.etag));
    r.headers.emplace_back("Cache-Control", "no-cache");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    if (asset.content_type.starts_with("text/html")) {
      r.headers.emplace_back("Content-Security-Policy", std::string(kPagePolicy));
      r.headers.emplace_back("Referrer-Policy", "no-referrer");
    }
    return r;
  }
  return std::nullopt;
}

std::vector<std::string> StaticAssetPaths() {
  std::vector<std::string> paths;
  for (const EmbeddedAsset& asset : EmbeddedAssets()) paths.emplace_back(asset.path);
  return paths;
}

}  // namespace tl::server::web
