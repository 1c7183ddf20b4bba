// The page's files as compiled into the binary by embed_assets.cmake (a generated source).
#pragma once

#include <string_view>
#include <vector>

namespace tl::server::web {

struct EmbeddedAsset {
  std::string_view path;          // the URL path: "/" or "/assets/..."
  std::string_view content_type;  // with "; charset=utf-8" for text
  std::string_view etag;          // quoted, from the file's SHA-256
  std::string_view body;          // static storage, lives as long as the program
};

// Every embedded file, in the order of the manifest. Thread-safe (built once, then read-only).
const std::vector<EmbeddedAsset>& EmbeddedAssets();

}  // namespace tl::server::web
