// RocksDB's info log, as the ledger's own log lines on stderr.
//
// Why: given no logger, RocksDB writes a LOG file into the data directory, and on a full disk
// that file's writer fails like any other; the next line RocksDB logs then reaches an assert
// in the file's writer (WritableFileWriter: "Writer has previous error"), which Debian's build
// keeps, and the server aborts. A logger that writes no file cannot fail that way, and the
// lines an operator needs (RocksDB's warnings and errors: a background error, a failed sync)
// land where the server's own lines are.
//
// Each line is one JSON object, shaped as the server's:
//   {"time":"2026-11-27T20:34:50.280237084Z","level":"warn","message":"...","component":"rocksdb"}
// Levels warn, error and fatal are written; debug, info and RocksDB's header lines (its version
// and options, thousands of lines at every open) are dropped. Each line is one write(2), so
// lines from RocksDB's threads and the server's never interleave; a failed write is ignored (an
// unwritable stderr must not take the ledger down).
//
// RocksDB-facing; private to the store. Thread-safe.
#pragma once

#include <rocksdb/env.h>

#include <memory>
#include <string>
#include <string_view>

namespace tl::ledger {

std::shared_ptr<rocksdb::Logger> NewStderrJsonLogger();

// `text` as a JSON string, quotes included; bytes that are not UTF-8 become U+FFFD.
std::string JsonQuoted(std::string_view text);

}  // namespace tl::ledger
