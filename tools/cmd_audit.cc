// ticketledger audit check-proof FILE --vkey KEY
//   Checks a proof file (`ticketledger prove`) offline: the checkpoint's signature with the
//   ledger's verifier key, then the entry's inclusion in that checkpoint's tree. Exit 0 when
//   it holds, 1 when it does not, 2 when the file or key cannot be read.
// ticketledger audit monitor --url URL --token-file FILE --vkey KEY --state FILE [--once]
//                            [--interval SECONDS]
//   What a partner organisation runs as a witness (docs/audit.md): fetches the latest signed
//   checkpoint, checks its signature, and proves it consistent with the last one it saw (kept
//   in --state). Exit 1 with a clear message on a fork (the same size with another root, or a
//   consistency proof that fails) or a shrink (a smaller tree than seen before): the log was
//   rewritten. Exit 2 when the server cannot be reached or answers garbage.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/proof_file.h"
#include "tools/commands.h"
#include "tools/http_get.h"
#include "tools/key_files.h"

namespace tl::tools {
namespace {

namespace json = boost::json;

// One round of the monitor. Returns the checkpoint to remember, or the failure: kDataLoss for
// a fork or a shrink (exit 1), anything else for a round that could not be completed (exit 2).
Result<std::string> MonitorRound(const std::string& url, const std::string& token,
                                 const tlog::NoteVerifier& key, const std::string& previous) {
  TL_ASSIGN_OR_RETURN(HttpAnswer answer, HttpGet(url, "/api/v1/audit/checkpoint", token));
  if (answer.status != 200) {
    return Status::Unavailable(
        fmt::format("GET /api/v1/audit/checkpoint answered {}: {}", answer.status, answer.body));
  }
  auto latest = tlog::OpenCheckpoint(answer.body, key);
  if (!latest.ok()) {
    return Status::DataLoss(fmt::format("the log's checkpoint does not verify with its key: {}",
                                        latest.status().message()));
  }
  if (previous.empty()) return answer.body;
  TL_ASSIGN_OR_RETURN(tlog::Checkpoint seen, tlog::OpenCheckpoint(previous, key));
  if (latest->size < seen.size) {
    return Status::DataLoss(fmt::format(
        "SHRINK: the log now has {} entries, but it had {} in a checkpoint it signed before",
        latest->size, seen.size));
  }
  if (latest->size == seen.size) {
    if (latest->root != seen.root) {
      return Status::DataLoss(fmt::format(
          "FORK: two checkpoints of size {} with different roots, both signed by the log",
          seen.size));
    }
    return answer.body;
  }
  TL_ASSIGN_OR_RETURN(
      HttpAnswer proof_answer,
      HttpGet(url,
              fmt::format("/api/v1/audit/proof/consistency?from={}&to={}", seen.size, latest->size),
              token));
  if (proof_answer.status != 200) {
    return Status::Unavailable(fmt::format("the consistency proof answered {}: {}",
                                           proof_answer.status, proof_answer.body));
  }
  std::vector<tlog::Hash> proof;
  try {
    const json::value answer_json = json::parse(proof_answer.body);
    for (const json::value& h : answer_json.at("proof").as_array()) {
      TL_ASSIGN_OR_RETURN(tlog::Hash hash, tlog::HashFromBase64(std::string(h.as_string())));
      proof.push_back(hash);
    }
  } catch (const std::exception& e) {
    return Status::Unavailable(fmt::format("the consistency proof is not JSON: {}", e.what()));
  }
  Status consistent =
      tlog::VerifyConsistency(seen.size, latest->size, seen.root, latest->root, proof);
  if (!consistent.ok()) {
    return Status::DataLoss(fmt::format(
        "FORK: the checkpoint of size {} is not an extension of the one of size {} seen before: "
        "{}",
        latest->size, seen.size, consistent.message()));
  }
  return answer.body;
}

Status SaveState(const std::string& path, const std::string& note) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << note;
    if (!out) return Status::Unavailable(fmt::format("cannot write {}", tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Unavailable(fmt::format("cannot write {}: {}", path, ec.message()));
  return Status::Ok();
}

void RegisterCheckProof(CLI::App& audit, int* exit_code) {
  struct Args {
    std::string file;
    std::string vkey;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = audit.add_subcommand("check-proof", "Check a proof file offline");
  cmd->add_option("file", args->file, "The proof file (`ticketledger prove`)")->required();
  cmd->add_option("--vkey", args->vkey, "The ledger's verifier key, or a file holding it")
      ->required();
  cmd->callback([args, exit_code] {
    auto key = LoadVerifierKey(args->vkey);
    auto text = ReadSmallFile(args->file);
    if (!key.ok() || !text.ok()) {
      fmt::print(stderr, "error: {}\n", (!key.ok() ? key.status() : text.status()).message());
      *exit_code = 2;
      return;
    }
    auto verified = tlog::VerifyProofFile(*text, *key);
    if (!verified.ok()) {
      fmt::print("FAILED: {}\n", verified.status().message());
      *exit_code = 1;
      return;
    }
    fmt::print("ok: seq {} ({} bytes) is in the tree of size {} signed by {}\n",
               verified->index + 1, verified->entry.size(), verified->checkpoint.size,
               verified->checkpoint.origin);
  });
}

void RegisterMonitor(CLI::App& audit, int* exit_code) {
  struct Args {
    std::string url;
    std::string token_file;
    std::string vkey;
    std::string state;
    bool once = false;
    double interval = 60;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = audit.add_subcommand(
      "monitor", "Watch a ledger's signed checkpoints for forks and shrinks (a witness)");
  cmd->add_option("--url", args->url, "The server, http://HOST:PORT")->required();
  cmd->add_option("--token-file", args->token_file,
                  "A file holding a bearer token with the auditor role")
      ->required();
  cmd->add_option("--vkey", args->vkey, "The ledger's verifier key, or a file holding it")
      ->required();
  cmd->add_option("--state", args->state,
                  "Where the last checkpoint seen is kept between rounds and runs")
      ->required();
  cmd->add_flag("--once", args->once, "Check once and exit");
  cmd->add_option("--interval", args->interval, "Seconds between rounds")->capture_default_str();
  cmd->callback([args, exit_code] {
    auto key = LoadVerifierKey(args->vkey);
    auto token = ReadSmallFile(args->token_file);
    if (!key.ok() || !token.ok()) {
      fmt::print(stderr, "error: {}\n", (!key.ok() ? key.status() : token.status()).message());
      *exit_code = 2;
      return;
    }
    std::string bearer = token->substr(0, token->find_first_of("\r\n"));
    for (;;) {
      std::string previous;
      if (auto saved = ReadSmallFile(args->state); saved.ok()) previous = *saved;
      auto round = MonitorRound(args->url, bearer, *key, previous);
      if (!round.ok()) {
        const bool rewritten = round.status().code() == StatusCode::kDataLoss;
        fmt::print(stderr, "{}: {}\n", rewritten ? "ALERT" : "error", round.status().message());
        *exit_code = rewritten ? 1 : 2;
        return;
      }
      if (Status saved = SaveState(args->state, *round); !saved.ok()) {
        fmt::print(stderr, "error: {}\n", saved.message());
        *exit_code = 2;
        return;
      }
      auto now = tlog::OpenCheckpoint(*round, *key);
      fmt::print("ok: size {} is consistent with every checkpoint seen before\n",
                 now.ok() ? now->size : 0);
      std::fflush(stdout);
      if (args->once) return;
      std::this_thread::sleep_for(std::chrono::duration<double>(args->interval));
    }
  });
}

}  // namespace

void RegisterAudit(CLI::App& app, int* exit_code) {
  auto* audit = app.add_subcommand("audit", "An auditor's checks with the ledger's verifier key");
  audit->require_subcommand(1);
  RegisterCheckProof(*audit, exit_code);
  RegisterMonitor(*audit, exit_code);
}

}  // namespace tl::tools
