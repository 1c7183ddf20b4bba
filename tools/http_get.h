// A plain HTTP/1.1 GET and POST for the tools that talk to a running server (`audit monitor`,
// `mailgate`).
// http:// only; put a TLS-terminating proxy's plain side or an SSH tunnel in front otherwise.
#pragma once

#include <string>

#include "ledger/domain/result.h"

namespace tl::tools {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// GET `base` + `path` ("http://host:port" + "/api/v1/..."), with a bearer token unless empty.
// kUnavailable when the server cannot be reached or answers garbage; any HTTP status is an
// answer.
Result<HttpAnswer> HttpGet(const std::string& base, const std::string& path,
                           const std::string& token);

// POST `body` with `content_type`; otherwise as HttpGet.
Result<HttpAnswer> HttpPost(const std::string& base, const std::string& path,
                            const std::string& token, const std::string& content_type,
                            std::string body);

}  // namespace tl::tools
