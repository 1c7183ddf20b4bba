// The transparency log's endpoints (docs/api.md, "Transparency log"): the verifier key, signed
// checkpoints, and RFC 9162 inclusion and consistency proofs, with hashes in base64, deepest
// first. Proofs are computed from the stored tiles; an auditor checks them against a signed
// checkpoint with code of their own (docs/audit.md).
#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>

#include "ledger/domain/time_format.h"
#include "ledger/tlog/hash.h"
#include "server/error_mapping.h"
#include "server/handlers.h"

namespace tl::server {

namespace json = boost::json;

namespace {

// A positive integer query parameter; nullopt when absent.
Result<std::optional<uint64_t>> Count(const Request& req, std::string_view name) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return std::optional<uint64_t>();
  const std::string& text = it->second;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::BadField(
        fmt::format("{} must be a non-negative integer, not \"{}\"", name, text));
  }
  return std::optional<uint64_t>(value);
}

Result<uint64_t> Required(const Request& req, std::string_view name) {
  TL_ASSIGN_OR_RETURN(auto value, Count(req, name));
  if (!value) return Status::BadField(fmt::format("{} is required", name));
  return *value;
}

json::array Base64Hashes(const std::vector<ledger::Hash>& hashes) {
  json::array out;
  out.reserve(hashes.size());
  for (const ledger::Hash& h : hashes) out.emplace_back(tlog::HashToBase64(h));
  return out;
}

Response Text(std::string body) {
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace

Response GetAuditKey(const Request&, const AuditLog& audit) {
  if (!audit.signer) return ErrorResponse(404, "not_found", "this server signs no checkpoints");
  return Text(audit.signer->verifier().VerifierKey() + "\n");
}

Response GetAuditCheckpoint(const Request&, const AuditLog& audit) {
  auto latest = audit.log.LatestSignedCheckpoint();
  if (!latest.ok()) return StatusResponse(latest.status());
  if (!*latest) return ErrorResponse(404, "not_found", "no checkpoint is signed yet");
  return Text(std::move((*latest)->note));
}

Response GetAuditCheckpoints(const Request& req, const AuditLog& audit) {
  constexpr uint64_t kDefaultLimit = 100, kMaxLimit = 1000;
  auto after = Count(req, "after_size");
  if (!after.ok()) return StatusResponse(after.status());
  auto limit = Count(req, "limit");
  if (!limit.ok()) return StatusResponse(limit.status());
  const uint64_t n = std::min(limit->value_or(kDefaultLimit), kMaxLimit);
  auto checkpoints = audit.log.SignedCheckpoints(ledger::Seq(after->value_or(0)), n);
  if (!checkpoints.ok()) return StatusResponse(checkpoints.status());
  json::array out;
  for (const ledger::SignedCheckpoint& c : *checkpoints) {
    out.push_back(json::object{{"size", c.size.value()},
                               {"signed_at", ledger::FormatRfc3339(c.signed_at)},
                               {"note", c.note}});
  }
  return JsonResponse(200, json::object{{"checkpoints", std::move(out)}});
}

Response GetInclusionProof(const Request& req, const AuditLog& audit) {
  auto seq = Required(req, "seq");
  if (!seq.ok()) return StatusResponse(seq.status());
  auto size = Count(req, "size");
  if (!size.ok()) return StatusResponse(size.status());
  uint64_t n = 0;
  if (*size) {
    n = **size;
  } else {
    auto latest = audit.log.LatestSignedCheckpoint();
    if (!latest.ok()) return StatusResponse(latest.status());
    if (!*latest) return ErrorResponse(404, "not_found", "no checkpoint is signed yet");
    n = (*latest)->size.value();
  }
  if (*seq == 0 || *seq > n) {
    return StatusResponse(
        Status::BadField(fmt::format("seq must satisfy 1 <= seq <= size ({})", n)));
  }
  auto proof = audit.log.InclusionProof(ledger::Seq(*seq), ledger::Seq(n));
  if (!proof.ok()) return StatusResponse(proof.status());
  auto entry = audit.log.Entry(ledger::Seq(*seq));
  if (!entry.ok()) return StatusResponse(entry.status());
  return JsonResponse(200, json::object{{"seq", *seq},
                                        {"size", n},
                                        {"entry", tlog::Base64Encode(*entry)},
                                        {"proof", Base64Hashes(*proof)}});
}

Response GetConsistencyProof(const Request& req, const AuditLog& audit) {
  auto from = Required(req, "from");
  if (!from.ok()) return StatusResponse(from.status());
  auto to = Required(req, "to");
  if (!to.ok()) return StatusResponse(to.status());
  if (*from == 0 || *from > *to) {
    return StatusResponse(Status::BadField("from and to must satisfy 1 <= from <= to"));
  }
  auto proof = audit.log.ConsistencyProof(ledger::Seq(*from), ledger::Seq(*to));
  if (!proof.ok()) return StatusResponse(proof.status());
  return JsonResponse(200,
                      json::object{{"from", *from}, {"to", *to}, {"proof", Base64Hashes(*proof)}});
}

}  // namespace tl::server
