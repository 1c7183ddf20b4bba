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

// Prints the error and returns null when the log cannot be opened. `with_keys`: also open the
// ledger's key store (with the master key file `master_key`, default <dir>/master.key), so that
// personal fields read as text; when it cannot be opened the fields stay sealed, with a note.
// The auditor's tools (verify, export, prove) read without keys.
std::unique_ptr<ledger::EventLog> OpenLogForReading(const std::string& dir, bool with_keys = false,
                                                    const std::string& master_key = "");
// Sets options.keys to the ledger's data keys when `dir` has a key store (master key file
// `master_key`, default <dir>/master.key); OK with no keys when it has none.
Status AddDataKeysIfAny(const std::string& dir, const std::string& master_key,
                        ledger::LogOptions& options);

// Writing always seals personal fields: the data keys are opened (made on first use) with the
// master key file `master_key` (default <dir>/master.key).
std::unique_ptr<ledger::EventLog> OpenLogForWriting(const std::string& dir,
                                                    ledger::LogOptions options = {},
                                                    const std::string& master_key = "");

}  // namespace tl::tools
