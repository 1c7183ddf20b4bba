#include "projections/checkpoint_store.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>

#include "projections/checkpoint_codec.h"

namespace tl::projections {
namespace {

constexpr std::string_view kMagic = "tlcp";
constexpr size_t kPartBytes = 4u << 20;

struct Manifest {
  CheckpointStamp stamp;
  uint32_t slot = 0;
  uint64_t parts = 0;
  uint64_t length = 0;
  uint32_t crc = 0;
};

std::string ManifestKey(std::string_view model) { return fmt::format("projections/{}", model); }

std::string PartKey(std::string_view model, uint32_t slot, uint64_t part) {
  return fmt::format("projections/{}/{}/{:06}", model, slot, part);
}

uint32_t Crc32(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes lengths as uInt; feed large bodies in pieces.
  while (!bytes.empty()) {
    const size_t n = std::min<size_t>(bytes.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

std::string EncodeManifest(std::string_view model, const Manifest& m) {
  CheckpointWriter w;
  w.PutString(kMagic);
  w.PutVarint(kCheckpointFormat);
  w.PutString(model);
  w.PutVarint(m.stamp.model_version);
  w.PutVarint(m.stamp.base_version);
  w.PutVarint(m.stamp.seq.value());
  w.PutString(std::string_view(reinterpret_cast<const char*>(m.stamp.chain_hash.data()),
                               m.stamp.chain_hash.size()));
  w.PutVarint(m.slot);
  w.PutVarint(m.parts);
  w.PutVarint(m.length);
  w.PutVarint(m.crc);
  return w.Release();
}

Result<Manifest> DecodeManifest(std::string_view model, std::string_view bytes) {
  CheckpointReader r(bytes);
  if (r.GetString() != kMagic) return Status::DataLoss("checkpoint manifest: bad magic");
  const uint64_t format = r.GetVarint();
  if (r.status().ok() && format != kCheckpointFormat) {
    return Status::DataLoss(fmt::format("checkpoint manifest format {} (this build reads {})",
                                        format, kCheckpointFormat));
  }
  if (r.GetString() != model) r.Fail("names another model");
  Manifest m;
  m.stamp.model_version = static_cast<uint32_t>(r.GetVarint());
  m.stamp.base_version = static_cast<uint32_t>(r.GetVarint());
  m.stamp.seq = ledger::Seq(r.GetVarint());
  const std::string hash = r.GetString();
  if (hash.size() != m.stamp.chain_hash.size()) r.Fail("bad chain hash");
  std::copy(hash.begin(), hash.end(), m.stamp.chain_hash.begin());
  m.slot = static_cast<uint32_t>(r.GetVarint());
  m.parts = r.GetVarint();
  m.length = r.GetVarint();
  m.crc = static_cast<uint32_t>(r.GetVarint());
  if (m.slot > 1) r.Fail("bad slot");
  if (!r.at_end()) r.Fail("trailing bytes");
  TL_RETURN_IF_ERROR(r.status());
  return m;
}

Result<std::optional<Manifest>> ReadManifest(const ledger::EventLog& log, std::string_view model) {
  TL_ASSIGN_OR_RETURN(auto bytes, log.GetCheckpoint(ManifestKey(model)));
  if (!bytes) return std::optional<Manifest>();
  TL_ASSIGN_OR_RETURN(Manifest m, DecodeManifest(model, *bytes));
  return std::optional<Manifest>(m);
}

}  // namespace

Status WriteCheckpoint(ledger::EventLog& log, std::string_view model, const CheckpointStamp& stamp,
                       std::string_view body) {
  auto current = ReadManifest(log, model);
  Manifest m;
  m.stamp = stamp;
  // A damaged manifest names no slot we must keep; either slot will do.
  m.slot = current.ok() && *current ? 1 - (*current)->slot : 0;
  m.length = body.size();
  m.crc = Crc32(body);
  uint64_t part = 0;
  for (size_t at = 0; at < body.size() || part == 0; at += kPartBytes, ++part) {
    TL_RETURN_IF_ERROR(
        log.PutCheckpoint(PartKey(model, m.slot, part), body.substr(at, kPartBytes)));
  }
  m.parts = part;
  return log.PutCheckpoint(ManifestKey(model), EncodeManifest(model, m));
}

Result<std::optional<CheckpointStamp>> ReadCheckpointStamp(const ledger::EventLog& log,
                                                           std::string_view model) {
  TL_ASSIGN_OR_RETURN(auto m, ReadManifest(log, model));
  if (!m) return std::optional<CheckpointStamp>();
  return std::optional<CheckpointStamp>(m->stamp);
}

Result<std::optional<StoredCheckpoint>> ReadCheckpoint(const ledger::EventLog& log,
                                                       std::string_view model) {
  TL_ASSIGN_OR_RETURN(auto m, ReadManifest(log, model));
  if (!m) return std::optional<StoredCheckpoint>();
  StoredCheckpoint stored;
  stored.stamp = m->stamp;
  if (m->parts > m->length / kPartBytes + 1) {
    return Status::DataLoss("checkpoint manifest: more parts than its length needs");
  }
  stored.body.reserve(m->length);
  for (uint64_t part = 0; part < m->parts; ++part) {
    TL_ASSIGN_OR_RETURN(auto bytes, log.GetCheckpoint(PartKey(model, m->slot, part)));
    if (!bytes) return Status::DataLoss(fmt::format("checkpoint part {} is missing", part));
    stored.body += *bytes;
  }
  if (stored.body.size() != m->length || Crc32(stored.body) != m->crc) {
    return Status::DataLoss("checkpoint body does not match its manifest (length or CRC-32)");
  }
  return std::optional<StoredCheckpoint>(std::move(stored));
}

}  // namespace tl::projections
