// A plain HTTP/1.1 GET for the tools that talk to a running server (`audit monitor`).
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

}  // namespace tl::tools
