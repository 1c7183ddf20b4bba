// Opening the log from a tool: read-only for the tools that only read (they may run beside a
// live server), read-write for those that append. Errors are printed for the user.
#pragma once

#include <memory>
#include <string>

#include "ledger/store/event_log.h"

namespace tl::tools {

// Whether `dir` holds a ledger, going by RocksDB's CURRENT file. Never throws: a folder that
// cannot be looked into (no permission) counts as holding one, so that opening it says why.
bool MayHoldLedger(const std::string& dir);

// Prints the error and returns null when the log cannot be opened.
std::unique_ptr<ledger::EventLog> OpenLogForReading(const std::string& dir);
std::unique_ptr<ledger::EventLog> OpenLogForWriting(const std::string& dir,
                                                    ledger::LogOptions options = {});

}  // namespace tl::tools
