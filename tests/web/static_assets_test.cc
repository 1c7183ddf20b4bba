// The dashboard page's embedding: every file under server/web/page (and Debian's Chart.js) is
// compiled in and served byte for byte, with its content type, over real HTTP from the real
// `ticketledger serve`; everything the page refers to is there; nothing else is served.
#include "server/web/static_assets.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/http_client.h"
#include "tests/support/server_process.h"

using namespace tl::testing;
namespace fs = std::filesystem;

namespace {

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The source of a URL path: "/" is index.html, the vendored library is Debian's file.
fs::path SourceOf(const std::string& url_path) {
  if (url_path == "/") return fs::path(TL_WEB_PAGE_DIR) / "index.html";
  if (url_path == "/assets/vendor/chart.min.js") return TL_CHARTJS;
  return fs::path(TL_WEB_PAGE_DIR) / url_path.substr(1);
}

std::string ExpectedType(const std::string& path) {
  const std::string ext = path == "/" ? ".html" : fs::path(path).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  return "?";
}

}  // namespace

TEST_CASE("every file of the page is served without a token, byte for byte as its source",
          "[web][loopback]") {
  ServerProcess server;
  server.Start();
  HttpClient anonymous(server.port());
  const std::vector<std::string> paths = tl::server::web::StaticAssetPaths();
  // Every source file is embedded: the page's folder and the library.
  size_t sources = 1;  // chart.min.js
  for (const auto& entry : fs::recursive_directory_iterator(TL_WEB_PAGE_DIR)) {
    if (entry.is_regular_file()) ++sources;
  }
  CHECK(paths.size() == sources);
  for (const std::string& path : paths) {
    INFO(path);
    auto r = anonymous.Get(path);
    REQUIRE(r.status == 200);
    CHECK(r.body == ReadFile(SourceOf(path)));
    CHECK(r.headers["content-type"] == ExpectedType(path));
    CHECK(r.headers["cache-control"] == "no-cache");
    CHECK(r.headers["x-content-type-options"] == "nosniff");
    CHECK(std::regex_match(r.headers["etag"], std::regex("\"[0-9a-f]{20}\"")));
  }
  auto page = anonymous.Get("/");
  CHECK_THAT(page.headers["content-security-policy"], Catch::Contains("script-src 'self'"));
  CHECK_THAT(page.headers["content-security-policy"], Catch::Contains("connect-src 'self'"));
  // The API behind the page still needs its token.
  CHECK(anonymous.Get("/api/v1/services").status == 401);
}

TEST_CASE("HEAD answers the page's headers without a body, and other methods are refused",
          "[web][loopback]") {
  ServerProcess server;
  server.Start();
  HttpClient anonymous(server.port());
  auto head = anonymous.Send("HEAD", "/", "");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.headers["content-length"] == std::to_string(ReadFile(SourceOf("/")).size()));
  auto post = anonymous.Send("POST", "/assets/style.css", "x");
  CHECK(post.status == 405);
  CHECK(post.headers["allow"] == "GET, HEAD");
}

TEST_CASE("paths that are not embedded answer 404, traversal included", "[web][loopback]") {
  ServerProcess server;
  server.Start();
  HttpClient anonymous(server.port());
  for (const std::string path : {"/assets/", "/assets/nope.js", "/assets/js/../style.css",
                                 "/assets/%2e%2e/index.html", "/assets/js", "/assets/style.css/"}) {
    INFO(path);
    auto r = anonymous.Get(path);
    CHECK(r.status == 404);
    CHECK(r.ErrorCode() == "not_found");
  }
  tl::server::Request request;
  request.path = "/index.html";  // the page is at "/" only
  CHECK_FALSE(tl::server::web::ServeStaticAsset(request).has_value());
}

TEST_CASE("every file the page refers to is embedded", "[web]") {
  const std::vector<std::string> paths = tl::server::web::StaticAssetPaths();
  const std::set<std::string> served(paths.begin(), paths.end());
  REQUIRE(served.count("/") == 1);
  // index.html: src="/assets/..." and href="/assets/...".
  const std::regex html_ref(R"re((?:src|href)="(/assets/[^"]+)")re");
  const std::string html = ReadFile(SourceOf("/"));
  size_t refs = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), html_ref), end; it != end; ++it) {
    INFO((*it)[1].str());
    CHECK(served.count((*it)[1].str()) == 1);
    ++refs;
  }
  CHECK(refs >= 4);  // icon, style, library, main script
  // Every module's static imports, resolved against the module's own URL.
  const std::regex import_ref(R"re(from '(\.{1,2}/[^']+)')re");
  size_t imports = 0;
  for (const std::string& path : paths) {
    if (!path.ends_with(".js") || path.starts_with("/assets/vendor/")) continue;
    const std::string text = ReadFile(SourceOf(path));
    for (std::sregex_iterator it(text.begin(), text.end(), import_ref), end; it != end; ++it) {
      const fs::path target = (fs::path(path).parent_path() / (*it)[1].str()).lexically_normal();
      INFO(path << " imports " << (*it)[1].str());
      CHECK(served.count(target.generic_string()) == 1);
      ++imports;
    }
  }
  CHECK(imports >= 10);
}

TEST_CASE("serve --no-page serves the API only", "[web][loopback]") {
  ServerProcess server(ServerProcess::Options{.extra_args = {"--no-page"}});
  server.Start();
  HttpClient anonymous(server.port());
  CHECK(anonymous.Get("/").status == 404);
  CHECK(anonymous.Get("/assets/style.css").status == 404);
  HttpClient reader(server.port(), server.token("reader"));
  CHECK(reader.Get("/api/v1/services").status == 200);
}
