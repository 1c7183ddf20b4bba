// ReadXes: the events of an XES log (IEEE 1849), streamed, as flat records: one per
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

// How the XML is read. kFastWhenPlain: by ScanPlainXml (plain_xml_scanner.h), and by expat
// from where the document leaves the plain subset (a DOCTYPE, CDATA, a processing
// instruction, another encoding, a malformed part): expat reads the input again from its
// start and delivers the records after those the scanner delivered, so the result, errors
// included, is expat's. kExpatOnly: expat alone (the reference the tests compare with).
enum class XesParsing { kFastWhenPlain, kExpatOnly };

// kBadField for malformed XML (with line and column), or an error returned by `sink`.
Status ReadXes(GzipReader& input, const RecordSink& sink,
               XesParsing parsing = XesParsing::kFastWhenPlain);

}  // namespace tl::tools::import
