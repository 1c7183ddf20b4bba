// StrongId: a 64-bit counter that is its own type, for Seq, Version and TicketId (types.h).
//
// All three are 1, 2, 3, ... counters with 0 meaning "none" or "empty" (docs/domain.md), and
// when they were plain uint64_t a seq passed where a ticket id or a version was expected
// compiled and silently read the wrong thing. Each is now a distinct type: no implicit
// conversion to or from an integer or between the three. Code that needs the number says so
// with value(), at the boundaries (RocksDB keys, Cap'n Proto, JSON, command-line parsing) and
// where it does arithmetic, so the intent is visible. A StrongId is exactly a uint64_t in
// memory, hashes as one and formats as one, so no stored byte, hash order or output changes.
#pragma once

#include <fmt/format.h>

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>
#include <type_traits>

namespace tl::ledger {

template <class Tag>
class StrongId {
 public:
  constexpr StrongId() = default;  // 0: none, or empty
  constexpr explicit StrongId(uint64_t value) : value_(value) {}

  constexpr uint64_t value() const { return value_; }
  constexpr bool is_zero() const { return value_ == 0; }

  // The id after this one: the next seq in the log, the next version of a stream.
  constexpr StrongId Next() const { return StrongId(value_ + 1); }
  // The one before: the seq (or version) a log (or stream) is at before this one; 0 before 1.
  constexpr StrongId Prev() const { return StrongId(value_ - 1); }
  constexpr StrongId& operator++() {
    ++value_;
    return *this;
  }
  constexpr StrongId operator++(int) { return StrongId(value_++); }

  // The largest: the open end of a range ("every version").
  static constexpr StrongId Max() { return StrongId(UINT64_MAX); }

  auto operator<=>(const StrongId&) const = default;

  // For Catch2's messages and any stream: the number, as before.
  friend std::ostream& operator<<(std::ostream& os, StrongId id) { return os << id.value_; }

 private:
  uint64_t value_ = 0;
};

}  // namespace tl::ledger

template <class Tag>
struct std::hash<tl::ledger::StrongId<Tag>> {
  size_t operator()(tl::ledger::StrongId<Tag> id) const {
    return std::hash<uint64_t>{}(id.value());
  }
};

// fmt::format("{}", seq) prints the number, with any format spec an integer takes.
template <class Tag>
struct fmt::formatter<tl::ledger::StrongId<Tag>> : fmt::formatter<uint64_t> {
  template <class FormatContext>
  auto format(tl::ledger::StrongId<Tag> id, FormatContext& ctx) const {
    return fmt::formatter<uint64_t>::format(id.value(), ctx);
  }
};
