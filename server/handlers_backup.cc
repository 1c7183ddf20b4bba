// Backups: POST /api/v1/admin/backups takes one, GET lists them (docs/api.md, "Backups").
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "ledger/domain/time_format.h"
#include "server/error_mapping.h"
#include "server/handlers.h"

namespace tl::server {

namespace json = boost::json;

namespace {

json::object BackupJson(const ledger::BackupInfo& backup) {
  return json::object{{"backup_id", backup.backup_id},
                      {"seq", backup.seq.value()},
                      {"size_bytes", backup.size_bytes},
                      {"created_at", ledger::FormatRfc3339(backup.created_at)}};
}

Status NotConfigured() {
  return Status::Rule("backups_not_configured",
                      "this server takes no backups: start it with --backup-dir DIR");
}

}  // namespace

Response PostBackup(const Request&, Backups& backups) {
  if (!backups.service) return StatusResponse(NotConfigured());
  Result<ledger::BackupInfo> backup = backups.service->Create();
  if (!backup.ok()) return StatusResponse(backup.status());
  return JsonResponse(201, BackupJson(*backup));
}

Response GetBackups(const Request&, Backups& backups) {
  if (!backups.service) return StatusResponse(NotConfigured());
  Result<std::vector<ledger::BackupInfo>> list = backups.service->List();
  if (!list.ok()) return StatusResponse(list.status());
  json::array items;
  for (const ledger::BackupInfo& backup : *list) items.push_back(BackupJson(backup));
  return JsonResponse(200, json::object{{"backups", std::move(items)}});
}

}  // namespace tl::server
