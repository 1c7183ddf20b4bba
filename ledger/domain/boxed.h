// Boxed<T>: an optional T kept on the heap. Empty it costs one pointer instead of std::optional's
// sizeof(T) plus a flag, for parts of a state that are rarely set but held for every ticket (a
// stall, the feedback: 80 bytes of every TicketState as optionals, and the projections keep
// every ticket's state in memory). Copies are deep; the value semantics are std::optional's,
// and so is the part of its interface the code uses.
#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace tl::ledger {

template <class T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(std::nullopt_t) {}  // NOLINT: implicit, as std::optional's
  Boxed(T value) : p_(std::make_unique<T>(std::move(value))) {}  // NOLINT: likewise
  Boxed(const Boxed& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (!other.p_) {
      p_.reset();
    } else if (p_) {
      *p_ = *other.p_;  // reuses the value's buffers (a TicketState is copied per event)
    } else {
      p_ = std::make_unique<T>(*other.p_);
    }
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  Boxed& operator=(T value) {
    if (p_) {
      *p_ = std::move(value);
    } else {
      p_ = std::make_unique<T>(std::move(value));
    }
    return *this;
  }
  Boxed& operator=(std::nullopt_t) {
    p_.reset();
    return *this;
  }

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  void reset() { p_.reset(); }

  friend bool operator==(const Boxed& a, const Boxed& b) {
    return a.p_ ? (b.p_ && *a.p_ == *b.p_) : !b.p_;
  }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace tl::ledger
