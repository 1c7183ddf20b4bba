#include "projections/checkpoint_codec.h"

namespace tl::projections {

void CheckpointWriter::PutVarint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void CheckpointWriter::PutSigned(int64_t v) {
  PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void CheckpointWriter::PutString(std::string_view s) {
  PutVarint(s.size());
  out_.append(s);
}

uint64_t CheckpointReader::GetVarint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && error_.empty(); shift += 7) {
    if (in_.empty()) {
      Fail("truncated varint");
      break;
    }
    const auto byte = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return v;
  }
  Fail("overlong varint");
  return 0;
}

int64_t CheckpointReader::GetSigned() {
  const uint64_t z = GetVarint();
  return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
}

std::string CheckpointReader::GetString() {
  const uint64_t n = GetVarint();
  if (!error_.empty()) return {};
  if (n > in_.size()) {
    Fail("truncated string");
    return {};
  }
  std::string s(in_.substr(0, n));
  in_.remove_prefix(n);
  return s;
}

bool CheckpointReader::GetBool() {
  const uint64_t b = GetVarint();
  if (b > 1) Fail("a bool is 0 or 1");
  return b == 1;
}

uint64_t CheckpointReader::GetCount() {
  const uint64_t n = GetVarint();
  if (n > in_.size()) {
    Fail("a count larger than the bytes left");
    return 0;
  }
  return n;
}

uint64_t CheckpointReader::GetIdAfter(uint64_t previous) {
  constexpr uint64_t kMaxStep = 1u << 26;
  const uint64_t id = GetVarint();
  if (id <= previous || id - previous > kMaxStep) {
    Fail("ticket ids out of order");
    return 0;
  }
  return id;
}

void CheckpointReader::Fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  in_ = {};
}

Status CheckpointReader::status() const {
  if (error_.empty()) return Status::Ok();
  return Status::DataLoss("checkpoint: " + error_);
}

}  // namespace tl::projections
