// Result<T>: a value or a non-OK Status (std::expected is not in g++ 12).
//
// Like absl::StatusOr, a Result never holds an OK status: constructing one from Status::Ok()
// is a bug and yields an kInternal error instead.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "ledger/domain/status.h"

namespace tl {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<1>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::in_place_index<0>, std::move(status)) {  // NOLINT
    if (std::get<0>(v_).ok()) v_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return v_.index() == 1; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<0>(v_);
  }

  T& value() & {
    assert(ok());
    return std::get<1>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<1>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<1>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> v_;
};

namespace internal {
inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace tl

#define TL_CONCAT_INNER(a, b) a##b
#define TL_CONCAT(a, b) TL_CONCAT_INNER(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define TL_RETURN_IF_ERROR(expr) TL_RETURN_IF_ERROR_IMPL(TL_CONCAT(tl_status_, __COUNTER__), expr)
#define TL_RETURN_IF_ERROR_IMPL(var, expr)                                         \
  do {                                                                             \
    const auto& var = (expr);                                                      \
    if (!::tl::internal::StatusOf(var).ok()) return ::tl::internal::StatusOf(var); \
  } while (0)

// `TL_ASSIGN_OR_RETURN(auto x, Compute());` declares x from the value or returns the error.
#define TL_ASSIGN_OR_RETURN(lhs, expr) \
  TL_ASSIGN_OR_RETURN_IMPL(TL_CONCAT(tl_result_, __COUNTER__), lhs, expr)
#define TL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
