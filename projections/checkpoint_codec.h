// The byte grammar of projection checkpoints (docs/projections.md, "Checkpoints"): a model's
// state is a sequence of fields, each one of
//   varint  := LEB128, 7 bits a byte, least significant group first (u64)
//   svarint := varint of the zigzag encoding (i64)
//   string  := varint length, then that many bytes
//   bool    := one byte, 0 or 1
// in the order the model's Encode writes them. The format carries no field tags: a model's
// version stamp changes whenever its layout or meaning does, and a checkpoint with another
// stamp is never decoded.
//
// The reader never reads past its input: a truncated or malformed field makes it fail (sticky)
// and every later read returns zero; the caller checks status() once at the end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"

namespace tl::projections {

class CheckpointWriter {
 public:
  void PutVarint(uint64_t v);
  void PutSigned(int64_t v);
  void PutString(std::string_view s);
  void PutBool(bool b) { out_.push_back(b ? 1 : 0); }

  const std::string& bytes() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  std::string out_;
};

class CheckpointReader {
 public:
  explicit CheckpointReader(std::string_view in) : in_(in) {}

  uint64_t GetVarint();
  int64_t GetSigned();
  std::string GetString();
  bool GetBool();
  // A count of items that each take at least one byte: a count larger than the bytes left is
  // malformed, which keeps a damaged count from reserving gigabytes.
  uint64_t GetCount();
  // An enumerator written as its underlying value; beyond `last` is malformed.
  template <typename Enum>
  Enum GetEnum(Enum last) {
    const uint64_t v = GetVarint();
    if (v > static_cast<uint64_t>(last)) Fail("enum value out of range");
    return static_cast<Enum>(v);
  }
  // A ticket id of a list written in ascending order, after `previous`. An id out of order, or
  // so far ahead that a vector indexed by it would take gigabytes, is malformed (returns 0).
  uint64_t GetIdAfter(uint64_t previous);
  // Marks the input malformed (e.g. a value out of its range).
  void Fail(std::string why);

  bool at_end() const { return in_.empty(); }
  Status status() const;

 private:
  std::string_view in_;
  std::string error_;  // empty while good
};

}  // namespace tl::projections
