#include "ledger/store/log_keys.h"

#include <fmt/format.h>

#include <cstring>

namespace tl::ledger::keys {

void PutU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

uint64_t GetU64(std::string_view bytes) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(bytes[i]);
  return v;
}

std::string SeqKey(Seq seq) {
  std::string key;
  key.reserve(8);
  PutU64(&key, seq.value());
  return key;
}

Result<Seq> ParseSeqKey(std::string_view key) {
  if (key.size() != 8) return Status::DataLoss(fmt::format("seq key of {} bytes", key.size()));
  return Seq(GetU64(key));
}

std::string StreamPrefix(const StreamId& stream) {
  std::string key;
  key.push_back(static_cast<char>(stream.kind));
  if (stream.kind == StreamId::Kind::kTicket) {
    PutU64(&key, stream.ticket.value());
  } else {
    // The writer refuses names longer than kMaxStreamName, so the length fits in a u16.
    size_t n = stream.name.size();
    key.push_back(static_cast<char>(n >> 8));
    key.push_back(static_cast<char>(n & 0xFF));
    key.append(stream.name);
  }
  return key;
}

std::string StreamKey(const StreamId& stream, Version version) {
  return StreamPrefix(stream) + VersionKey(version);
}

std::string VersionKey(Version version) {
  std::string key;
  key.reserve(8);
  PutU64(&key, version.value());
  return key;
}

Result<std::pair<StreamId, Version>> ParseStreamKey(std::string_view key) {
  auto bad = [&] { return Status::DataLoss("malformed stream index key"); };
  if (key.size() < 1 + 8) return bad();
  auto kind = static_cast<StreamId::Kind>(key[0]);
  Version version(GetU64(key.substr(key.size() - 8)));
  std::string_view body = key.substr(1, key.size() - 9);
  switch (kind) {
    case StreamId::Kind::kTicket:
      if (body.size() != 8) return bad();
      return std::make_pair(StreamId::Ticket(TicketId(GetU64(body))), version);
    case StreamId::Kind::kQueue:
    case StreamId::Kind::kService: {
      if (body.size() < 2) return bad();
      size_t n = static_cast<uint8_t>(body[0]) << 8 | static_cast<uint8_t>(body[1]);
      if (body.size() != 2 + n) return bad();
      std::string name(body.substr(2));
      return std::make_pair(kind == StreamId::Kind::kQueue ? StreamId::Queue(std::move(name))
                                                           : StreamId::Service(std::move(name)),
                            version);
    }
  }
  return bad();
}

std::string EncodeIdempotencyRecord(const IdempotencyRecord& record, Seq primary_seq) {
  std::string value;
  value.reserve(kIdempotencyRecordBytes);
  PutU64(&value, record.seq.value());
  value.append(reinterpret_cast<const char*>(record.fingerprint.data()), 32);
  PutU64(&value, primary_seq.value());
  PutU64(&value, record.result.version.value());
  PutU64(&value, record.result.last_seq.value());
  return value;
}

Result<DecodedIdempotencyRecord> DecodeIdempotencyRecord(std::string_view value) {
  if (value.size() != kIdempotencyRecordBytes) {
    return Status::DataLoss(fmt::format("idempotency record of {} bytes", value.size()));
  }
  DecodedIdempotencyRecord out;
  out.record.seq = Seq(GetU64(value));
  std::memcpy(out.record.fingerprint.data(), value.data() + 8, 32);
  out.primary_seq = Seq(GetU64(value.substr(40)));
  out.record.result.version = Version(GetU64(value.substr(48)));
  out.record.result.last_seq = Seq(GetU64(value.substr(56)));
  out.record.result.first_seq = out.primary_seq;
  return out;
}

std::string EncodeHead(Seq seq, const Hash& hash) {
  std::string value;
  PutU64(&value, seq.value());
  value.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return value;
}

Result<std::pair<Seq, Hash>> DecodeHead(std::string_view value) {
  if (value.size() != 40) return Status::DataLoss("malformed head record");
  Hash h;
  std::memcpy(h.data(), value.data() + 8, 32);
  return std::make_pair(Seq(GetU64(value)), h);
}

std::string TilePrefix(int level, int64_t index) {
  std::string key;
  key.reserve(11);
  key.push_back(static_cast<char>(level));
  PutU64(&key, static_cast<uint64_t>(index));
  return key;
}

std::string TileKey(int level, int64_t index, int64_t start) {
  std::string key = TilePrefix(level, index);
  key.push_back(static_cast<char>(start >> 8));
  key.push_back(static_cast<char>(start & 0xFF));
  return key;
}

Result<int64_t> ParseTileKeyStart(std::string_view key) {
  if (key.size() != 11) return Status::DataLoss(fmt::format("tile key of {} bytes", key.size()));
  return int64_t{static_cast<uint8_t>(key[9])} << 8 | static_cast<uint8_t>(key[10]);
}

std::string SignedKey(Seq size) { return SeqKey(size); }

std::string EncodeSigned(TimeNs signed_at, std::string_view note) {
  std::string value;
  value.reserve(8 + note.size());
  PutU64(&value, static_cast<uint64_t>(signed_at));
  value.append(note);
  return value;
}

Result<std::pair<TimeNs, std::string>> DecodeSigned(std::string_view value) {
  if (value.size() < 8) return Status::DataLoss("malformed signed checkpoint record");
  return std::make_pair(static_cast<TimeNs>(GetU64(value)), std::string(value.substr(8)));
}

}  // namespace tl::ledger::keys
