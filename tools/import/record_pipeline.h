// ReadConcurrently: runs a record reader (CSV or XES parsing, with its decompression) on a
// thread of its own and hands its records to `sink` on the calling thread, so that parsing
// and the caller's work on each record (projection, hashing) use two cores.
//
// Records travel in batches of copies (their views die with the reader's callback); at most a
// few batches are in flight, so memory stays bounded. Records reach `sink` in the reader's
// order. An error from `sink` stops the reader; an error from the reader ends the reading
// after the records before it were delivered.
#pragma once

#include <functional>

#include "tools/import/record.h"

namespace tl::tools::import {

// `read` is called once, on the reader thread, with the sink it must deliver records to.
using RecordReader = std::function<Status(const RecordSink& sink)>;

// Returns the first error of `sink` or, failing that, of `read`. `position`, called on the
// reader thread, tells how far the reader is in its input; records carry it as
// Record::input_position.
Status ReadConcurrently(const RecordReader& read, const std::function<uint64_t()>& position,
                        const RecordSink& sink);

}  // namespace tl::tools::import
