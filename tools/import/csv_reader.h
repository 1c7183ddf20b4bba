// CsvReader: RFC 4180 records from a (possibly gzip-compressed) file: a header line of names,
// then one record per line; fields may be quoted with '"', with doubled quotes inside and line
// breaks inside quotes. A UTF-8 byte order mark before the header is dropped.
#pragma once

#include <string>

#include "tools/import/gzip_reader.h"
#include "tools/import/record.h"

namespace tl::tools::import {

// Splits one logical CSV record into `fields` (views into `line` or into `scratch` when a
// field needs unquoting). Returns false when a quote is still open at the end of `line`: the
// caller appends the next physical line ("\n" + line) and calls again.
bool SplitCsvRecord(std::string_view line, char delimiter, std::vector<std::string_view>* fields,
                    std::string* scratch);

// Reads the whole input, calling `sink` once per record. A record with another field count
// than the header is still delivered, with `malformed` set and the values it has.
// kBadField for a missing header or a quote left open at the end of the input.
Status ReadCsv(GzipReader& input, char delimiter, const RecordSink& sink);

}  // namespace tl::tools::import
