#include "server/stack.h"

#include <filesystem>

#include "server/api_routes.h"

namespace tl::server {

Result<std::unique_ptr<Stack>> Stack::Start(StackOptions options, Authenticator auth) {
  std::unique_ptr<Stack> s(new Stack());
  s->auth_ = std::move(auth);
  std::error_code ignored;
  std::filesystem::create_directories(options.data_dir, ignored);
  TL_ASSIGN_OR_RETURN(s->log_, ledger::EventLog::Open(options.data_dir, options.log));
  TL_ASSIGN_OR_RETURN(s->projections_,
                      projections::Projections::Open(*s->log_, projections::StandardModels(),
                                                     options.projections, true));
  s->states_ = std::make_unique<app::ProjectionStateSource>(*s->projections_);
  s->commands_ = std::make_unique<app::CommandHandler>(*s->log_, *s->states_);
  s->reports_ = std::make_unique<ReportBodies>(s->projections_->reports());
  s->context_ =
      std::make_unique<ServerContext>(*s->log_, *s->projections_, *s->commands_, s->auth_,
                                      s->metrics_, *s->reports_, std::move(options.static_assets));
  s->routes_ = std::make_unique<RouteTable>(ApiRoutes(*s->context_));
  for (Route& route : options.extra_routes) s->routes_->Add(std::move(route));
  s->server_ = std::make_unique<Server>(*s->routes_, s->metrics_, options.server);
  TL_RETURN_IF_ERROR(s->server_->Start());
  return s;
}

Stack::~Stack() { Close().PermitUncheckedError(); }

Status Stack::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  if (server_) server_->Shutdown();
  Status checkpoint = projections_ ? projections_->Checkpoint() : Status::Ok();
  // The log drains its queue first: its callbacks post to the server's (stopped) io_context and
  // call back into the command handler, so both must still exist.
  log_.reset();
  server_.reset();
  routes_.reset();
  context_.reset();
  reports_.reset();
  commands_.reset();
  states_.reset();
  projections_.reset();
  return checkpoint;
}

}  // namespace tl::server
