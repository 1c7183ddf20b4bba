#include "tools/import/reconciliation.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <vector>

namespace tl::tools::import {
namespace {

// Reasons by count, largest first (ties by text), so the summary leads with what matters.
std::vector<std::pair<std::string, uint64_t>> ByCount(const std::map<std::string, uint64_t>& m) {
  std::vector<std::pair<std::string, uint64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return v;
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

void Reconciliation::Tally(const std::vector<RowFate>& fates) {
  for (const RowFate& f : fates) {
    switch (f.kind) {
      case RowFate::Kind::kImported:
        ++imported;
        break;
      case RowFate::Kind::kDuplicate:
        ++duplicates;
        break;
      case RowFate::Kind::kSkipped:
        ++skipped;
        ++skip_reasons[f.reason];
        break;
      case RowFate::Kind::kFailed:
        ++failed;
        break;
      case RowFate::Kind::kPending:
        break;
    }
  }
}

std::string Reconciliation::ToText() const {
  std::string out;
  auto line = [&](std::string_view label, uint64_t n, std::string_view note = {}) {
    out += fmt::format("  {:<28}{:>10}{}\n", label, n, note);
  };
  out += fmt::format("import of {} ({}) from {}\n", source, format, input);
  out += "rows\n";
  line("read", rows);
  line("imported", imported);
  line("merged as duplicates", duplicates);
  line("skipped", skipped);
  for (const auto& [reason, n] : ByCount(skip_reasons)) {
    out += fmt::format("    {:>10}  {}\n", n, reason);
  }
  if (failed > 0) line("FAILED (refused by ledger)", failed);
  out += fmt::format("  {:<28}{:>10}\n", Balanced() ? "accounted for: all" : "NOT ACCOUNTED",
                     imported + duplicates + skipped + failed);
  if (reordered > 0) line("(reordered by time)", reordered);
  out += "cases\n";
  line("in the source", cases);
  line("tickets created", tickets_created);
  line("tickets already imported", tickets_existing);
  if (cases_without_ticket > 0) line("without an importable row", cases_without_ticket);
  out += "events\n";
  line("appended", events_appended);
  line("already in the ledger", events_existing);
  line("queues defined", queues_defined);
  line("services defined", services_defined);
  out += fmt::format(
      "{} rows in {:.2f} s ({:.0f} rows/s): read {:.2f} s, open {:.2f} s, "
      "prepare {:.2f} s, translate and append {:.2f} s\n",
      rows, seconds, RowsPerSecond(), read_seconds, open_seconds, prepare_seconds, append_seconds);
  return out;
}

boost::json::object Reconciliation::ToJson() const {
  boost::json::object reasons;
  for (const auto& [reason, n] : skip_reasons) reasons[reason] = n;
  return boost::json::object{
      {"source", source},
      {"format", format},
      {"input", input},
      {"rows", rows},
      {"imported", imported},
      {"duplicates", duplicates},
      {"skipped", skipped},
      {"failed", failed},
      {"skip_reasons", std::move(reasons)},
      {"reordered", reordered},
      {"balanced", Balanced()},
      {"cases", cases},
      {"tickets_created", tickets_created},
      {"tickets_existing", tickets_existing},
      {"cases_without_ticket", cases_without_ticket},
      {"events_appended", events_appended},
      {"events_existing", events_existing},
      {"queues_defined", queues_defined},
      {"services_defined", services_defined},
      {"seconds", seconds},
      {"phase_seconds", boost::json::object{{"read", read_seconds},
                                            {"open", open_seconds},
                                            {"prepare", prepare_seconds},
                                            {"append", append_seconds}}},
      {"rows_per_s", RowsPerSecond()},
  };
}

Status WriteRejects(const std::string& path, const SourceRows& rows,
                    const std::vector<RowFate>& fates) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Unavailable(fmt::format("cannot write {}", path));
  out << "row,case,fate,reason\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const RowFate& f = fates[i];
    if (f.kind == RowFate::Kind::kImported) continue;
    std::string_view kind = f.kind == RowFate::Kind::kDuplicate ? "duplicate"
                            : f.kind == RowFate::Kind::kFailed  ? "failed"
                                                                : "skipped";
    out << rows[i].ordinal << ',' << CsvField(rows[i].case_id) << ',' << kind << ','
        << CsvField(f.kind == RowFate::Kind::kDuplicate ? "same content as an earlier row"
                                                        : f.reason)
        << '\n';
  }
  out.close();
  if (!out) return Status::Unavailable(fmt::format("writing {} failed", path));
  return Status::Ok();
}

}  // namespace tl::tools::import
