// Keys and fixed-layout values of the RocksDB column families (docs/log-format.md, "Keys").
// Integers are big-endian so that RocksDB's bytewise order is numeric order.
//
//   events       seq:u64                              -> framed canonical Event (codec.h)
//   chain        seq:u64                              -> hash:32
//   streams      0x01 ticket:u64 version:u64          -> seq:u64
//                0x02 len:u16 queue-name version:u64  -> seq:u64
//                0x03 len:u16 service-name version:u64-> seq:u64
//   event_ids    event-id:16                          -> IdempotencyRecord (64 bytes)
//   meta         "format_version"                     -> u64
//                "head"                               -> seq:u64 hash:32
//   checkpoints  projection name                      -> projection-defined bytes
//   tree         level:u8 index:u64 start:u16         -> the hashes of tile (level, index) from
//                                                        position start on (32 bytes each)
//   signed       size:u64                             -> signed_at:i64 note
#pragma once

#include <string>
#include <string_view>

#include "ledger/store/event_log.h"

namespace tl::ledger::keys {

// 2: the Merkle tree (the tree and signed families) beside the chain.
// 3: personal fields stored sealed, in the schema's *Sealed Data fields (docs/log-format.md,
//    "Personal fields").
constexpr uint32_t kFormatVersion = 3;
constexpr std::string_view kMetaFormatVersion = "format_version";
// Present (value "1") in a ledger created with data keys: its personal fields are sealed.
constexpr std::string_view kMetaPersonalSealed = "personal_sealed";
constexpr std::string_view kMetaHead = "head";
constexpr size_t kIdempotencyRecordBytes = 64;
constexpr size_t kMaxStreamName = 1024;  // bytes of a queue or service name

void PutU64(std::string* out, uint64_t v);
uint64_t GetU64(std::string_view bytes);  // requires bytes.size() >= 8

std::string SeqKey(Seq seq);
Result<Seq> ParseSeqKey(std::string_view key);

// The prefix shared by all keys of a stream; a stream key is prefix + version:u64.
std::string StreamPrefix(const StreamId& stream);
std::string StreamKey(const StreamId& stream, Version version);
// The version:u64 that ends a stream key, for a caller that has the prefix already.
std::string VersionKey(Version version);
// The stream and version of a streams-family key.
Result<std::pair<StreamId, Version>> ParseStreamKey(std::string_view key);

std::string EncodeIdempotencyRecord(const IdempotencyRecord& record, Seq primary_seq);
struct DecodedIdempotencyRecord {
  IdempotencyRecord record;
  Seq primary_seq{};  // seq of the first event of the append's primary stream
};
Result<DecodedIdempotencyRecord> DecodeIdempotencyRecord(std::string_view value);

std::string EncodeHead(Seq seq, const Hash& hash);

// A tile's pieces: each commit that grows tile (level, index) writes only the hashes it adds,
// under the width the tile had before, so that no key is ever written twice (tlog/tiles.h).
std::string TilePrefix(int level, int64_t index);
std::string TileKey(int level, int64_t index, int64_t start);
// The start of a piece from its key; kDataLoss when the key is not a tile key.
Result<int64_t> ParseTileKeyStart(std::string_view key);

std::string SignedKey(Seq size);
std::string EncodeSigned(TimeNs signed_at, std::string_view note);
Result<std::pair<TimeNs, std::string>> DecodeSigned(std::string_view value);
Result<std::pair<Seq, Hash>> DecodeHead(std::string_view value);

}  // namespace tl::ledger::keys
