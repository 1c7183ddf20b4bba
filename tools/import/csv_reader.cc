#include "tools/import/csv_reader.h"

#include <fmt/format.h>

namespace tl::tools::import {

bool SplitCsvRecord(std::string_view line, char delimiter, std::vector<std::string_view>* fields,
                    std::string* scratch) {
  fields->clear();
  // Unquoted fields are views into `line`. Quoted fields are unescaped into `scratch`, which
  // is reserved up front so that earlier views into it stay valid while it grows.
  scratch->clear();
  scratch->reserve(line.size());
  size_t i = 0;
  const size_t n = line.size();
  for (;;) {
    if (i < n && line[i] == '"') {
      const size_t start = scratch->size();
      ++i;
      for (;;) {
        if (i >= n) return false;  // the quote continues on the next line
        if (line[i] == '"') {
          if (i + 1 < n && line[i + 1] == '"') {
            scratch->push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        scratch->push_back(line[i++]);
      }
      // Anything between the closing quote and the delimiter is kept, as most readers do.
      while (i < n && line[i] != delimiter) scratch->push_back(line[i++]);
      fields->emplace_back(scratch->data() + start, scratch->size() - start);
    } else {
      size_t end = line.find(delimiter, i);
      if (end == std::string_view::npos) end = n;
      fields->push_back(line.substr(i, end - i));
      i = end;
    }
    if (i >= n) return true;
    ++i;  // the delimiter
    if (i == n) {
      fields->emplace_back();  // a trailing delimiter ends with an empty field
      return true;
    }
  }
}

Status ReadCsv(GzipReader& input, char delimiter, const RecordSink& sink) {
  std::string_view line;
  std::string logical, scratch;
  std::vector<std::string_view> fields;

  // The next logical record, joining physical lines while a quote is open.
  auto next_record = [&](bool* got) -> Status {
    *got = false;
    TL_ASSIGN_OR_RETURN(bool more, input.NextLine(&line));
    if (!more) return Status::Ok();
    if (SplitCsvRecord(line, delimiter, &fields, &scratch)) {
      *got = true;
      return Status::Ok();
    }
    logical.assign(line);
    for (;;) {
      TL_ASSIGN_OR_RETURN(bool continued, input.NextLine(&line));
      if (!continued) return Status::BadField("a quoted CSV field is not closed at the end");
      logical.push_back('\n');
      logical.append(line);
      if (SplitCsvRecord(logical, delimiter, &fields, &scratch)) {
        *got = true;
        return Status::Ok();
      }
    }
  };

  bool got = false;
  TL_RETURN_IF_ERROR(next_record(&got));
  if (!got) return Status::BadField("the CSV input is empty (no header)");
  std::vector<std::string> names;
  for (std::string_view f : fields) names.emplace_back(f);
  if (!names.empty() && names[0].starts_with("\xEF\xBB\xBF")) names[0].erase(0, 3);

  Record record;
  record.names = &names;
  record.schema = 1;
  for (uint64_t ordinal = 1;; ++ordinal) {
    TL_RETURN_IF_ERROR(next_record(&got));
    if (!got) return Status::Ok();
    if (fields.size() == 1 && fields[0].empty()) {
      --ordinal;  // a blank line is not a record
      continue;
    }
    record.ordinal = ordinal;
    record.malformed.clear();
    if (fields.size() != names.size()) {
      record.malformed =
          fmt::format("{} fields where the header has {}", fields.size(), names.size());
      fields.resize(names.size());
    }
    record.values = fields;
    TL_RETURN_IF_ERROR(sink(record));
  }
}

}  // namespace tl::tools::import
