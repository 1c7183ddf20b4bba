#include "tools/import/prepared_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "tools/import/csv_reader.h"
#include "tools/import/gzip_reader.h"
#include "tools/import/record_pipeline.h"
#include "tools/import/xes_reader.h"
#include "tools/progress.h"

namespace tl::tools::import {
namespace {

using ledger::EventId;

// Reads every record of the input into rows, with a progress line whose total is estimated
// from the compressed bytes consumed.
Result<SourceRows> ReadRows(const ImportSource& source, const Mapping& mapping,
                            bool show_progress) {
  TL_ASSIGN_OR_RETURN(auto input, GzipReader::Open(source.input_path));
  SourceRows rows;
  RowProjector projector(mapping);
  std::unique_ptr<Progress> progress;
  if (show_progress) progress = std::make_unique<Progress>("read", "rows", 0);
  // The input's size over the compressed bytes consumed estimates the total rows, for the
  // progress line.
  auto estimate = [&](const Record& record) -> uint64_t {
    return record.input_position > 0 ? rows.size() * input->FileSize() / record.input_position : 0;
  };
  auto sink = [&](const Record& record) -> Status {
    if (rows.empty()) {
      std::vector<std::string> missing = projector.MissingColumns(record);
      if (!missing.empty()) {
        return Status::BadField(fmt::format("the input has no column \"{}\" that the mapping reads",
                                            fmt::join(missing, "\", \"")));
      }
    }
    rows.push_back(projector.Project(record));
    if (progress && rows.size() % 4096 == 0) {
      progress->SetTotal(estimate(record));
      progress->Update(rows.size());
    }
    return Status::Ok();
  };
  // Parsing (with decompression) runs on a thread of its own; projection here.
  Status read = ReadConcurrently(
      [&](const RecordSink& batching_sink) {
        return source.format == "xes" ? ReadXes(*input, batching_sink)
                                      : ReadCsv(*input, mapping.delimiter, batching_sink);
      },
      [&] { return input->CompressedOffset(); }, sink);
  TL_RETURN_IF_ERROR(read.WithContext(source.input_path));
  if (progress) progress->Finish(rows.size());
  return rows;
}

}  // namespace

Result<PreparedSource> PrepareSource(const ImportSource& source, Mapping mapping, bool progress) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  PreparedSource out;
  TL_ASSIGN_OR_RETURN(out.rows, ReadRows(source, mapping, progress));
  const auto read = Clock::now();
  out.mapping = std::move(mapping);
  const SourceRows& rows = out.rows;
  std::vector<RowFate>& fates = out.fates;
  std::vector<std::vector<uint32_t>>& cases = out.cases;
  Reconciliation& rec = out.rec;
  rec.source = out.mapping.source;
  rec.format = source.format;
  rec.input = source.input_path;
  rec.rows = rows.size();
  rec.read_seconds = std::chrono::duration<double>(read - start).count();
  fates.resize(rows.size());

  // Cases in order of first appearance; unreadable rows are skipped with their problem (they
  // still count their case, which then may have no ticket).
  {
    std::unordered_map<std::string_view, uint32_t> case_index;
    for (uint32_t i = 0; i < rows.size(); ++i) {
      if (rows[i].case_id.empty()) {
        fates[i] = RowFate{RowFate::Kind::kSkipped, rows[i].problem};
        continue;
      }
      auto [it, inserted] = case_index.try_emplace(rows[i].case_id, cases.size());
      if (inserted) cases.emplace_back();
      cases[it->second].push_back(i);
    }
  }
  rec.cases = cases.size();

  // Each case in time order (ties: the mapping's order_by columns, then input order), without
  // unreadable rows and duplicates.
  std::unordered_set<EventId, ledger::EventIdHash> seen;
  seen.reserve(rows.size());
  for (auto& case_rows : cases) {
    std::erase_if(case_rows, [&](uint32_t i) {
      if (rows[i].problem.empty()) return false;
      fates[i] = RowFate{RowFate::Kind::kSkipped, rows[i].problem};
      return true;
    });
    std::stable_sort(case_rows.begin(), case_rows.end(), [&](uint32_t a, uint32_t b) {
      return std::tie(rows[a].time, rows[a].order) < std::tie(rows[b].time, rows[b].order);
    });
    uint64_t latest_ordinal = 0;
    for (uint32_t i : case_rows) {
      if (rows[i].ordinal < latest_ordinal) ++rec.reordered;
      latest_ordinal = std::max(latest_ordinal, rows[i].ordinal);
    }
    std::erase_if(case_rows, [&](uint32_t i) {
      if (seen.insert(rows[i].id).second) return false;
      fates[i] = RowFate{RowFate::Kind::kDuplicate, {}};
      return true;
    });
  }
  DeriveMembership(out.mapping, rows, cases, out.membership);
  rec.prepare_seconds = std::chrono::duration<double>(Clock::now() - read).count();
  return out;
}

}  // namespace tl::tools::import
