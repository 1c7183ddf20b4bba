// ticketledger serve --data DIR --listen 127.0.0.1:8080 --tokens FILE [--threads N] ...
//
// Runs the HTTP API (docs/api.md) until SIGTERM or SIGINT, then shuts down gracefully: stop
// accepting, answer the requests in flight (writes included), write the read models'
// checkpoints, close the store (docs/operations.md). Prints "listening on http://HOST:PORT"
// on stdout once it serves (and writes that URL to --url-file, for scripts and tests that use
// port 0), then "dashboard page: http://HOST:PORT/" unless --no-page. Exit 0 after a clean
// shutdown, 2 when it cannot start.
#include <fmt/format.h>
#include <signal.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ledger/domain/log_line.h"
#include "projections/projections.h"
#include "server/auth.h"
#include "server/stack.h"
#include "server/web/static_assets.h"
#include "tools/commands.h"

namespace tl::tools {
namespace {

// "127.0.0.1:8080", "[::1]:8080", ":8080" (all interfaces).
Status ParseListen(const std::string& text, std::string* host, uint16_t* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return Status::BadField("--listen must be HOST:PORT");
  *host = text.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (host->empty()) *host = "0.0.0.0";
  const std::string p = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), *port);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size()) {
    return Status::BadField("--listen must be HOST:PORT with a port from 0 to 65535");
  }
  return Status::Ok();
}

// Writes `text` to `path` atomically (a reader never sees half of it).
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) return Status::Unavailable(fmt::format("cannot write {}", tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Unavailable(fmt::format("cannot write {}: {}", path, ec.message()));
  return Status::Ok();
}

}  // namespace

void RegisterServe(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    std::string listen = "127.0.0.1:8080";
    std::string tokens;
    int threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
    size_t body_limit = 1u << 20;
    size_t max_connections = 4096;
    int read_timeout_ms = 15'000;
    int write_timeout_ms = 15'000;
    size_t max_answer_memory = server::ServerOptions{}.max_answer_memory;
    bool no_access_log = false;
    bool no_page = false;
    bool rebuild = false;
    std::string url_file;
    bool plain_write_path = false;
    std::string log_compression = "none";
    int64_t max_time_ahead_s = app::CommandHandler::kDefaultMaxAhead / ledger::kNanosPerSecond;
    std::string signing_key;
    std::string master_key;
    std::string origin;
    size_t metrics_top_values = projections::kDefaultTopLabelValues;
    std::string log_level = "info";
    std::string backup_dir;
    std::string mail_from;
    std::string mail_tag = "ticketledger";
    std::string mail_domain;
    std::string smtp;
    std::string smtp_starttls = "off";
    std::string smtp_user;
    std::string smtp_password_file;
    bool smtp_allow_plaintext_auth = false;
    std::string smtp_ca_file;
    int smtp_retry_ms = 2'000;
    int smtp_attempts = 12;
    std::string public_url;
    double feedback_delay_s = 15 * 60;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("serve", "Serve the HTTP API until SIGTERM/SIGINT");
  cmd->add_option("--data", args->data, "The ledger's data directory (created if missing)")
      ->required();
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--tokens", args->tokens,
                  "Token file: `<sha256 hex> <role> <actor>` per line (see `token`)")
      ->required();
  cmd->add_option("--threads", args->threads, "I/O threads")->capture_default_str();
  cmd->add_option("--body-limit", args->body_limit, "Largest request body in bytes (413 beyond)")
      ->capture_default_str();
  cmd->add_option("--max-connections", args->max_connections,
                  "Open connections at most; more are closed at once")
      ->capture_default_str();
  cmd->add_option("--read-timeout-ms", args->read_timeout_ms,
                  "A whole request must arrive within this (slow clients are dropped)")
      ->capture_default_str();
  cmd->add_option("--write-timeout-ms", args->write_timeout_ms,
                  "Each piece of an answer must be taken by the client within this (a client "
                  "that stops reading is dropped)")
      ->capture_default_str();
  cmd->add_option("--max-answer-memory", args->max_answer_memory,
                  "Bytes of answers held in memory across all connections; a large answer "
                  "beyond is refused with 503 overloaded (docs/operations.md, \"Limits under "
                  "load\")")
      ->capture_default_str();
  cmd->add_flag("--no-access-log", args->no_access_log, "Do not log each request on stderr");
  cmd->add_flag("--no-page", args->no_page, "Do not serve the dashboard page at / (the API only)");
  cmd->add_option("--signing-key", args->signing_key,
                  "The Ed25519 key that signs the tree's checkpoints (default: signing.key in "
                  "the data directory, made on first start, mode 0600)");
  cmd->add_option("--master-key", args->master_key,
                  "The master key file that wraps the tickets' data keys (default: master.key in "
                  "the data directory, made on first start, mode 0600; docs/privacy.md)");
  cmd->add_option("--origin", args->origin,
                  "The log's name in its checkpoints, for a new key (default: <host "
                  "name>/ticketledger); a ledger keeps its origin for life");
  cmd->add_option("--backup-dir", args->backup_dir,
                  "Where POST /api/v1/admin/backups puts its backups (docs/operations.md, "
                  "\"Backups\"); without it, backups are refused (409 backups_not_configured)");
  cmd->add_option("--mail-from", args->mail_from,
                  "The desk's address: From of the mail it sends; mail From it is ignored as a "
                  "loop (docs/mail.md)");
  cmd->add_option("--mail-tag", args->mail_tag,
                  "The desk's name in ticket tags \"[<tag> #<id>]\" in mail subjects")
      ->capture_default_str();
  cmd->add_option("--mail-domain", args->mail_domain,
                  "The domain of the Message-IDs the desk makes (default: --mail-from's)");
  cmd->add_option("--smtp", args->smtp,
                  "Send the desk's mail through this relay: smtp://HOST:PORT or smtps://HOST:PORT "
                  "(docs/mail.md); without it nothing is sent and no feedback is invited");
  cmd->add_option("--smtp-starttls", args->smtp_starttls,
                  "STARTTLS on smtp://: off, try (when offered) or required")
      ->capture_default_str()
      ->check(CLI::IsMember({"off", "try", "required"}));
  cmd->add_option("--smtp-user", args->smtp_user, "AUTH with this user name");
  cmd->add_option("--smtp-password-file", args->smtp_password_file,
                  "A file holding the AUTH password (its first line)");
  cmd->add_flag("--smtp-allow-plaintext-auth", args->smtp_allow_plaintext_auth,
                "Allow AUTH over a connection that is not encrypted (a loopback relay)");
  cmd->add_option("--smtp-ca-file", args->smtp_ca_file,
                  "PEM bundle to verify the relay with (default: the system's)");
  cmd->add_option("--smtp-retry-ms", args->smtp_retry_ms,
                  "First retry of a send the relay did not take; each next one waits twice as "
                  "long, at most 5 minutes")
      ->capture_default_str()
      ->check(CLI::Range(1, 600'000));
  cmd->add_option("--smtp-attempts", args->smtp_attempts,
                  "Attempts of a send before it is given up (mail_failed)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--public-url", args->public_url,
                  "The server's URL as requesters reach it; feedback links point there "
                  "(default: the URL served)");
  cmd->add_option("--feedback-delay", args->feedback_delay_s,
                  "Seconds after a resolution that the feedback invitation is sent, unless the "
                  "ticket was reopened (at most 7200)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 7200.0));
  cmd->add_flag("--plain-write-path", args->plain_write_path,
                "Commit without the write path's tunings: no sync stage, RocksDB's own WAL "
                "files (docs/benchmarks.md, \"Tuning\")");
  cmd->add_option("--log-compression", args->log_compression,
                  "Compression of the log's table files written from now on: none, snappy, lz4, "
                  "zstd (docs/operations.md, \"Compression of the log\")")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "snappy", "lz4", "zstd"}));
  cmd->add_option("--max-time-ahead", args->max_time_ahead_s,
                  "Refuse (422 time_in_future) an occurred_at more than this many seconds ahead "
                  "of the server's clock")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--metrics-top-values", args->metrics_top_values,
                  "The service and queue labels in /metrics keep their own series for this "
                  "many of their most frequent values (by tickets created); the rest are "
                  "summed as \"other\" (docs/operations.md, \"Metrics\")")
      ->capture_default_str()
      ->check(CLI::Range(projections::kDefaultTopLabelValues, size_t{1'000'000}));
  cmd->add_option("--log-level", args->log_level,
                  "Lines below this level are not logged: debug, info (every request), warn, "
                  "error")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cmd->add_flag("--rebuild", args->rebuild,
                "Ignore the read models' checkpoints: replay the whole log at start");
  cmd->add_option("--url-file", args->url_file,
                  "Write the URL served (http://HOST:PORT) to this file once listening");
  cmd->callback([args, exit_code] {
    SetMinLogLevel(ParseLogLevel(args->log_level).value_or(LogLevel::kInfo));
    auto fail = [&](const Status& s) {
      LogLine(LogLevel::kError, fmt::format("error: {}", s.ToString()));
      *exit_code = 2;
    };
    // Signals are taken by this thread alone, with sigwait; every thread started from here on
    // (the log's writer, the I/O threads) inherits the mask and never sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    server::StackOptions options;
    options.data_dir = args->data;
    if (Status s = ParseListen(args->listen, &options.server.address, &options.server.port);
        !s.ok()) {
      return fail(s);
    }
    options.server.threads = std::max(1, args->threads);
    options.server.body_limit = args->body_limit;
    options.server.max_connections = args->max_connections;
    options.server.read_timeout = std::chrono::milliseconds(args->read_timeout_ms);
    options.server.write_timeout = std::chrono::milliseconds(args->write_timeout_ms);
    options.server.max_answer_memory = args->max_answer_memory;
    options.server.access_log = !args->no_access_log;
    options.metrics.version = TL_VERSION;
    options.metrics.top_label_values = args->metrics_top_values;
    if (!args->no_page) options.static_assets = server::web::ServeStaticAsset;
    options.projections.use_checkpoints = !args->rebuild;
    if (args->plain_write_path) options.log.tuning = ledger::LogOptions::Tuning::Plain();
    auto compression = ledger::ParseTableCompression(args->log_compression);
    if (!compression.ok()) return fail(compression.status());
    options.log.compression = *compression;
    options.signing_key = args->signing_key;
    options.master_key = args->master_key;
    options.origin = args->origin;
    options.backup_dir = args->backup_dir;
    options.mail.origin = args->mail_tag;
    options.mail.from_address = args->mail_from;
    options.mail.message_id_domain = args->mail_domain;
    if (!args->smtp.empty()) {
      app::OutboxOptions outbox;
      outbox.smtp.url = args->smtp;
      outbox.smtp.starttls = args->smtp_starttls == "required" ? mail::StartTls::kRequired
                             : args->smtp_starttls == "try"    ? mail::StartTls::kIfAvailable
                                                               : mail::StartTls::kOff;
      outbox.smtp.username = args->smtp_user;
      if (!args->smtp_password_file.empty()) {
        std::ifstream in(args->smtp_password_file);
        if (!in || !std::getline(in, outbox.smtp.password)) {
          return fail(Status::NotFound(
              fmt::format("cannot read the SMTP password file {}", args->smtp_password_file)));
        }
      }
      outbox.smtp.allow_plaintext_auth = args->smtp_allow_plaintext_auth;
      outbox.smtp.ca_file = args->smtp_ca_file;
      outbox.first_retry = std::chrono::milliseconds(args->smtp_retry_ms);
      outbox.max_attempts = args->smtp_attempts;
      outbox.feedback_delay =
          static_cast<ledger::TimeNs>(args->feedback_delay_s * ledger::kNanosPerSecond);
      outbox.public_url = args->public_url;
      options.outbox = std::move(outbox);
    }
    options.max_time_ahead = args->max_time_ahead_s * ledger::kNanosPerSecond;

    std::string token_warning;
    auto auth = server::Authenticator::Load(args->tokens, &token_warning);
    if (!auth.ok()) return fail(auth.status());
    if (!token_warning.empty()) LogLine(LogLevel::kWarn, token_warning);
    if (auth->size() == 0) {
      LogLine(LogLevel::kWarn,
              "the token file has no tokens; only /metrics, /healthz and /readyz "
              "answer",
              {{"tokens", args->tokens}});
    }
    // What this server runs with, once, so that a log read later says which build and which
    // configuration wrote it.
    LogLine(LogLevel::kInfo, "starting",
            {{"version", TL_VERSION},
             {"data", args->data},
             {"listen", args->listen},
             {"tokens", args->tokens},
             {"threads", options.server.threads},
             {"body_limit", static_cast<uint64_t>(args->body_limit)},
             {"max_connections", static_cast<uint64_t>(args->max_connections)},
             {"read_timeout_ms", args->read_timeout_ms},
             {"write_timeout_ms", args->write_timeout_ms},
             {"max_answer_memory", static_cast<uint64_t>(args->max_answer_memory)},
             {"access_log", !args->no_access_log},
             {"page", !args->no_page},
             {"rebuild", args->rebuild},
             {"plain_write_path", args->plain_write_path},
             {"log_compression", args->log_compression},
             {"max_time_ahead_s", args->max_time_ahead_s},
             {"metrics_top_values", static_cast<uint64_t>(args->metrics_top_values)},
             {"signing_key", args->signing_key.empty() ? "(data directory)" : args->signing_key},
             {"master_key", args->master_key.empty() ? "(data directory)" : args->master_key},
             {"origin", args->origin.empty() ? "(the key's, or the default)" : args->origin},
             {"log_level", args->log_level}});
    std::string host = options.server.address;
    auto stack = server::Stack::Start(std::move(options), std::move(auth).value());
    if (!stack.ok()) return fail(stack.status());
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    const std::string url = fmt::format("http://{}:{}", host, (*stack)->port());
    // The URL file first: whoever reads "listening on" on stdout may rely on the file too.
    if (!args->url_file.empty()) {
      if (Status s = WriteFileAtomically(args->url_file, url + "\n"); !s.ok()) return fail(s);
    }
    fmt::print("listening on {}\n", url);
    LogLine(LogLevel::kInfo, "listening", {{"url", url}});
    if (!args->no_page) fmt::print("dashboard page: {}/\n", url);
    std::fflush(stdout);

    int signal_number = 0;
    sigwait(&signals, &signal_number);
    LogLine(LogLevel::kInfo, "shutting down",
            {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
    Status closed = (*stack)->Close();
    if (!closed.ok()) {
      LogLine(LogLevel::kError, "the checkpoint at shutdown failed",
              {{"error", closed.ToString()}});
    }
    LogLine(LogLevel::kInfo, "stopped");
    *exit_code = 0;
  });
}

}  // namespace tl::tools
