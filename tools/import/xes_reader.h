// ReadXes: the events of an XES log (IEEE 1849), streamed with expat, as flat records: one per
// <event>, holding the event's own attributes under their keys and its trace's attributes under
// "case:" + key (the usual flattening, so "case:concept:name" is the case id).
//
// Only attributes that are direct children of the trace or event count; nested attributes
// (children of an attribute), lists and containers are skipped. Attribute elements are
// string, date, int, float, boolean and id. Events are delivered when their trace ends, so
// trace attributes may come before or after the events. Log-level elements (extensions,
// globals, classifiers) are ignored.
#pragma once

#include "tools/import/gzip_reader.h"
#include "tools/import/record.h"

namespace tl::tools::import {

// kBadField for malformed XML (with line and column), or an error returned by `sink`.
Status ReadXes(GzipReader& input, const RecordSink& sink);

}  // namespace tl::tools::import
