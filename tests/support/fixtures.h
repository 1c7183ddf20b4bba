// Builders for tests: a log in a temp dir, reference data, commands with sensible defaults.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/command_handler.h"
#include "ledger/store/event_log.h"
#include "tests/support/temp_dir.h"

namespace tl::testing {

// A manual clock: tests move time explicitly, so outcomes never depend on the machine.
class ManualClock {
 public:
  explicit ManualClock(ledger::TimeNs start) : now_(std::make_shared<ledger::TimeNs>(start)) {}
  ledger::Clock AsClock() const {
    auto now = now_;
    return [now] { return *now; };
  }
  void Advance(ledger::TimeNs delta) { *now_ += delta; }
  void Set(ledger::TimeNs t) { *now_ = t; }
  ledger::TimeNs now() const { return *now_; }

 private:
  std::shared_ptr<ledger::TimeNs> now_;  // shared with the closures AsClock hands out
};

// 2026-01-05T09:00:00Z, a Monday.
constexpr ledger::TimeNs kMonday = 1767603600LL * ledger::kNanosPerSecond;
constexpr ledger::TimeNs kMinute = 60LL * ledger::kNanosPerSecond;
constexpr ledger::TimeNs kHour = 60 * kMinute;
constexpr ledger::TimeNs kDay = 24 * kHour;

std::unique_ptr<ledger::EventLog> OpenLog(const std::string& dir, ledger::LogOptions options = {});
// The same for a ledger that seals personal data, as the product makes them (docs/privacy.md):
// its data keys are made in <dir>/keys with <dir>/master.key on first use. A server started on
// the folder opens it.
std::unique_ptr<ledger::EventLog> OpenSealedLog(const std::string& dir,
                                                ledger::LogOptions options = {});
// Every event of `log`, in seq order.
std::vector<ledger::Event> AllEvents(const ledger::EventLog& log);

// Orakel (first line: olga, otto), campus (carl, cora), drift (dina); services
// Identitet_Feide and Eduroam.
void DefineStandardReference(app::CommandHandler& handler);

ledger::OpenTicket SupportTicket(std::string queue = "Orakel",
                                 std::string service = "Identitet_Feide");

app::CommandMeta By(std::string actor);

}  // namespace tl::testing
