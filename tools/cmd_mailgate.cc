// ticketledger mailgate --url URL --token-file F [--queue Q]
//   Reads one mail on standard input and posts it to POST /api/v1/mail/inbound, for an MTA's
//   pipe alias (docs/mail.md). Exit codes are sysexits(3)'s, which MTAs act on:
//     0   the server took the message (opened, requester_message or ignored);
//     75  EX_TEMPFAIL: the server cannot be reached, is unavailable (5xx), or refuses the
//         token (401/403: a configuration fault the operator fixes); the MTA keeps the mail
//         and tries again, so nothing is lost;
//     65  EX_DATAERR: the server refuses the message itself (another 4xx, e.g. 413 too large);
//         the MTA returns it to its sender.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <iterator>

#include "tools/commands.h"
#include "tools/http_get.h"
#include "tools/key_files.h"

namespace tl::tools {
namespace {

constexpr int kExDataErr = 65;
constexpr int kExTempFail = 75;

// Percent-encodes a query value.
std::string QueryValue(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

void RegisterMailgate(CLI::App& app, int* exit_code) {
  struct Args {
    std::string url;
    std::string token_file;
    std::string queue;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "mailgate", "Post one mail from standard input to the server (an MTA's pipe alias)");
  cmd->add_option("--url", args->url, "The server, http://HOST:PORT")->required();
  cmd->add_option("--token-file", args->token_file,
                  "A file holding a bearer token with the mailgate role")
      ->required();
  cmd->add_option("--queue", args->queue, "The first-line queue new requests open in");
  cmd->callback([args, exit_code] {
    auto token = ReadSmallFile(args->token_file);
    if (!token.ok()) {
      fmt::print(stderr, "mailgate: {}\n", token.status().message());
      *exit_code = kExTempFail;
      return;
    }
    const std::string bearer = token->substr(0, token->find_first_of("\r\n"));
    std::string message((std::istreambuf_iterator<char>(std::cin)),
                        std::istreambuf_iterator<char>());
    std::string path = "/api/v1/mail/inbound";
    if (!args->queue.empty()) path += "?queue=" + QueryValue(args->queue);
    auto answer = HttpPost(args->url, path, bearer, "message/rfc822", std::move(message));
    if (!answer.ok()) {
      fmt::print(stderr, "mailgate: {}\n", answer.status().message());
      *exit_code = kExTempFail;
      return;
    }
    if (answer->status >= 200 && answer->status < 300) {
      fmt::print("{}\n", answer->body);
      *exit_code = 0;
      return;
    }
    fmt::print(stderr, "mailgate: the server answered {}: {}\n", answer->status, answer->body);
    const bool temporary = answer->status >= 500 || answer->status == 401 || answer->status == 403;
    *exit_code = temporary ? kExTempFail : kExDataErr;
  });
}

}  // namespace tl::tools
