#include "server/api_routes.h"

#include "server/handlers.h"

namespace tl::server {

RouteTable ApiRoutes(ServerContext& ctx) {
  constexpr Method kGet = Method::kGet, kPost = Method::kPost, kPut = Method::kPut;
  constexpr Permission kRead = Permission::kRead, kAct = Permission::kAct,
                       kAudit = Permission::kAudit, kAdmin = Permission::kAdmin;
  RouteTable table(ctx.auth);
  const Route routes[] = {
      // The dashboard page (docs/page.md) and operations: no token.
      {kGet, "/", kAnyone, Read(GetStatic, ctx.static_assets)},
      {kGet, "/assets/{path...}", kAnyone, Read(GetStatic, ctx.static_assets)},
      {kGet, "/healthz", kAnyone, Read(Healthz)},
      {kGet, "/readyz", kAnyone, Read(Readyz, ctx.operations)},
      {kGet, "/metrics", kAnyone, Read(Metrics, ctx.operations)},
      // Tickets.
      {kGet, "/api/v1/tickets", kRead, Read(ListTickets, ctx.listing)},
      {kPost, "/api/v1/tickets", kAct, Write(PostTicket, ctx.writes)},
      {kGet, "/api/v1/tickets/{id:ticket}", kRead, Read(GetTicket, ctx.projections)},
      {kPost, "/api/v1/tickets/{id:ticket}/actions", kAct, Write(PostAction, ctx.writes)},
      {kGet, "/api/v1/tickets/{id:ticket}/history", kAudit, Read(GetHistory, ctx.log)},
      // Reference data.
      {kGet, "/api/v1/queues", kRead, Read(GetQueues, ctx.projections)},
      {kPut, "/api/v1/queues/{name}", kAdmin, Write(PutQueue, ctx.writes)},
      {kGet, "/api/v1/services", kRead, Read(GetServices, ctx.projections)},
      {kPut, "/api/v1/services/{name}", kAdmin, Write(PutService, ctx.writes)},
      // Audit.
      {kGet, "/api/v1/events", kAudit, Read(GetEvents, ctx.log)},
      {kGet, "/api/v1/audit/verify", kAudit, Read(GetVerify, ctx.audit)},
      // The transparency log (docs/api.md, "Transparency log"): the key and the latest
      // checkpoint are public to readers, proofs and the checkpoint history to auditors.
      {kGet, "/api/v1/audit/key", kRead, Read(GetAuditKey, ctx.audit)},
      {kGet, "/api/v1/audit/checkpoint", kRead, Read(GetAuditCheckpoint, ctx.audit)},
      {kGet, "/api/v1/audit/checkpoints", kAudit, Read(GetAuditCheckpoints, ctx.audit)},
      {kGet, "/api/v1/audit/proof/inclusion", kAudit, Read(GetInclusionProof, ctx.audit)},
      {kGet, "/api/v1/audit/proof/consistency", kAudit, Read(GetConsistencyProof, ctx.audit)},
      // Incoming mail (docs/api.md, "Mail"): the mailgate role's one endpoint.
      {kPost, std::string(kMailInboundPath), Permission::kMailInbound,
       Write(PostMailInbound, ctx.mail)},
      // The feedback page a mailed invitation links to: no token, the signed link is the key.
      {kGet, "/feedback/{token}", kAnyone, Read(GetFeedbackPage, ctx.feedback)},
      {kPost, "/feedback/{token}", kAnyone,
       [&pages = ctx.feedback](const Request& req, const Principal*, Later later) {
         return PostFeedbackPage(req, pages, std::move(later));
       }},
      // Backups (docs/api.md, "Backups"; docs/operations.md, "Backups").
      {kPost, "/api/v1/admin/backups", kAdmin, Read(PostBackup, ctx.backups)},
      {kPost, "/api/v1/privacy/erasures", kAdmin, Write(PostErasure, ctx.erasures)},
      {kGet, "/api/v1/admin/backups", kAdmin, Read(GetBackups, ctx.backups)},
  };
  for (const Route& route : routes) table.Add(route);
  // Reports: one route per endpoint of report_bodies.cc's table.
  for (const ReportEndpoint& endpoint : ReportEndpoints()) {
    table.Add({kGet, std::string(endpoint.path), kRead,
               [&reports = ctx.reports, &endpoint](const Request& req, const Principal*, Later) {
                 return std::optional<Response>(GetReport(req, reports, endpoint));
               }});
  }
  return table;
}

}  // namespace tl::server
