#include "server/stack.h"

#include <fmt/format.h>

#include <filesystem>

#include "app/data_keys.h"
#include "app/erasure.h"
#include "app/signing_key.h"
#include "ledger/domain/log_line.h"
#include "server/api_routes.h"

namespace tl::server {

Result<std::unique_ptr<Stack>> Stack::Start(StackOptions options, Authenticator auth) {
  std::unique_ptr<Stack> s(new Stack());
  s->metrics_ = std::make_unique<ServerMetrics>(options.metrics);
  s->auth_ = std::move(auth);
  std::error_code ignored;
  std::filesystem::create_directories(options.data_dir, ignored);
  // The data keys first: a wrong master key refuses the start before anything is written.
  TL_ASSIGN_OR_RETURN(std::shared_ptr<privacy::KeyStore> keys,
                      app::OpenDataKeys(options.data_dir, options.master_key, /*create=*/true));
  options.log.keys = keys;
  TL_ASSIGN_OR_RETURN(s->log_, ledger::EventLog::Open(options.data_dir, options.log));
  const std::string key_file =
      options.signing_key.empty()
          ? (std::filesystem::path(options.data_dir) / app::kDefaultSigningKeyFile).string()
          : options.signing_key;
  TL_ASSIGN_OR_RETURN(tlog::NoteSigner key,
                      app::LoadOrCreateSigningKey(key_file, options.origin, /*create=*/true));

  // Integrity first (docs/operations.md, "Integrity at start"): the latest signed checkpoint and
  // the tail beyond it now, the whole log in the background once serving.
  s->integrity_ = std::make_unique<app::LedgerIntegrity>(*s->log_, key.verifier());
  s->integrity_->CheckAtOnce().PermitUncheckedError();  // damage marks the ledger corrupt
  // Every event the read models are built from is checked against the chain first, so damage
  // is never folded into them unnoticed.
  options.projections.verify_chain = true;
  auto projections = projections::Projections::Open(*s->log_, projections::StandardModels(),
                                                    options.projections, true);
  if (!projections.ok() && projections.status().code() == StatusCode::kDataLoss) {
    // Serve what came before the damage, read-only: the log refuses appends from now on.
    s->integrity_->MarkCorrupt(projections.status());
    const ledger::VerifyReport report = s->log_->Verify();
    options.projections.to_seq = report.ok ? s->log_->Head().seq : report.bad_seq.Prev();
    options.projections.use_checkpoints = false;
    projections = projections::Projections::Open(*s->log_, projections::StandardModels(),
                                                 options.projections, false);
  }
  TL_ASSIGN_OR_RETURN(s->projections_, std::move(projections));
  // Re-erasure (docs/privacy.md, "Backups and restores"): a key store restored from a backup
  // taken before an erasure that the log records gets that erasure again, before anything is
  // served. The read models know the erased tickets, so this costs little on a big ledger.
  TL_ASSIGN_OR_RETURN(std::vector<ledger::TicketId> revived,
                      app::ReEraseRevivedKeys(*s->projections_, *keys));
  if (!revived.empty()) {
    LogLine(LogLevel::kWarn,
            "destroyed again the data keys of erased tickets that a restored key store brought "
            "back",
            {{"tickets", static_cast<uint64_t>(revived.size())},
             {"first_ticket", revived.front().value()}});
  }
  s->signer_ = std::make_unique<app::CheckpointSigner>(
      *s->log_, std::move(key), s->integrity_.get(),
      app::CheckpointSigner::Options{options.sign_within, options.log.clock});
  if (!s->integrity_->corrupt()) s->signer_->SignNow().status().PermitUncheckedError();
  s->signer_->Start();
  s->integrity_->StartBackground();
  s->states_ = std::make_unique<app::ProjectionStateSource>(*s->projections_);
  s->commands_ = std::make_unique<app::CommandHandler>(*s->log_, *s->states_, options.log.clock,
                                                       options.max_time_ahead);
  s->reports_ = std::make_unique<ReportBodies>(s->projections_->reports());
  if (!options.backup_dir.empty()) {
    s->backups_ = std::make_unique<app::LedgerBackups>(*s->log_, options.backup_dir, key_file);
  }
  s->context_ = std::make_unique<ServerContext>(
      *s->log_, *s->projections_, *s->commands_, s->auth_, *s->metrics_, *s->reports_,
      std::move(options.static_assets), /*ready_max_lag=*/4096, s->integrity_.get(),
      s->signer_.get(), s->backups_.get());
  s->mail_intake_ =
      std::make_unique<app::MailIntake>(*s->commands_, *s->states_, *s->log_, options.mail);
  s->context_->mail.intake = s->mail_intake_.get();
  TL_ASSIGN_OR_RETURN(
      auto links, app::FeedbackLinks::LoadOrCreate(
                      (std::filesystem::path(options.data_dir) / app::kFeedbackKeyFile).string()));
  s->feedback_links_ = std::make_unique<app::FeedbackLinks>(std::move(links));
  s->context_->feedback =
      FeedbackPages{s->feedback_links_.get(), s->commands_.get(), s->projections_.get()};

  // The requester index is in the log's key store (docs/privacy.md, "The requester index").
  s->requesters_ = std::make_unique<app::RequesterLookup>(*s->log_);
  s->context_->listing.requesters = s->requesters_.get();
  s->context_->erasures.requesters = s->requesters_.get();
  s->routes_ = std::make_unique<RouteTable>(ApiRoutes(*s->context_));
  for (Route& route : options.extra_routes) s->routes_->Add(std::move(route));
  s->server_ = std::make_unique<Server>(*s->routes_, *s->metrics_, options.server);
  TL_RETURN_IF_ERROR(s->server_->Start());
  if (options.outbox) {
    options.outbox->mail = options.mail;
    options.outbox->clock = options.log.clock;
    if (options.outbox->public_url.empty()) {
      const std::string& host = options.server.address;
      options.outbox->public_url = host.find(':') == std::string::npos
                                       ? fmt::format("http://{}:{}", host, s->server_->port())
                                       : fmt::format("http://[{}]:{}", host, s->server_->port());
    }
    TL_ASSIGN_OR_RETURN(s->outbox_, app::Outbox::Start(*s->log_, *s->commands_, *s->feedback_links_,
                                                       *options.outbox));
  }
  return s;
}

Stack::~Stack() { Close().PermitUncheckedError(); }

Status Stack::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  outbox_.reset();  // its last send finishes; it appends through the command handler
  if (server_) server_->Shutdown();
  signer_.reset();     // its last round may still sign what the requests in flight appended
  integrity_.reset();  // joins its walk over the log, which must still be open
  Status checkpoint = projections_ ? projections_->Checkpoint() : Status::Ok();
  // The log drains its queue first: its callbacks post to the server's (stopped) io_context and
  // call back into the command handler, so both must still exist.
  log_.reset();
  server_.reset();
  routes_.reset();
  context_.reset();
  mail_intake_.reset();
  backups_.reset();
  reports_.reset();
  commands_.reset();
  states_.reset();
  projections_.reset();
  return checkpoint;
}

}  // namespace tl::server
