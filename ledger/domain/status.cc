#include "ledger/domain/status.h"

namespace tl {

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(reason());
  out += ": ";
  out += message();
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status copy = *this;
  auto state = std::make_shared<State>(*state_);
  state->message = std::string(context) + ": " + state->message;
  copy.state_ = std::move(state);
  return copy;
}

}  // namespace tl
