#include "tools/import/importer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <unordered_map>
#include <unordered_set>

#include "tools/import/batch_writer.h"
#include "tools/import/csv_reader.h"
#include "tools/import/gzip_reader.h"
#include "tools/import/mapping.h"
#include "tools/import/membership.h"
#include "tools/import/record_pipeline.h"
#include "tools/import/reference_data.h"
#include "tools/import/source_row.h"
#include "tools/import/translator.h"
#include "tools/import/xes_reader.h"
#include "tools/log_access.h"
#include "tools/progress.h"

namespace tl::tools::import {
namespace {

using ledger::EventId;
using ledger::StreamId;

constexpr size_t kMaxReportedErrors = 20;

struct IdHash {
  size_t operator()(const EventId& id) const {
    size_t h;
    std::memcpy(&h, id.bytes.data(), sizeof h);  // the id is already a hash
    return h;
  }
};

// Reads every record of the input into rows, with a progress line whose total is estimated
// from the compressed bytes consumed.
Result<std::vector<SourceRow>> ReadRows(const ImportOptions& options, const Mapping& mapping) {
  TL_ASSIGN_OR_RETURN(auto input, GzipReader::Open(options.input_path));
  std::vector<SourceRow> rows;
  RowProjector projector(mapping);
  std::unique_ptr<Progress> progress;
  if (options.progress) progress = std::make_unique<Progress>("read", "rows", 0);
  // The input's size over the compressed bytes consumed estimates the total rows: enough to
  // reserve room for them (rows are then moved once or twice, not at every doubling) and to
  // give the progress line a total.
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
    if (rows.size() == rows.capacity()) {
      const uint64_t total = estimate(record);
      rows.reserve(std::max<uint64_t>({4096, rows.size() * 2, total + total / 4}));
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
        return options.format == "xes" ? ReadXes(*input, batching_sink)
                                       : ReadCsv(*input, mapping.delimiter, batching_sink);
      },
      [&] { return input->CompressedOffset(); }, sink);
  TL_RETURN_IF_ERROR(read.WithContext(options.input_path));
  if (progress) progress->Finish(rows.size());
  return rows;
}

}  // namespace

Result<Reconciliation> RunImport(const ImportOptions& options, std::vector<std::string>* errors) {
  const auto start = std::chrono::steady_clock::now();
  auto lap = [last = start]() mutable {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last).count();
    last = now;
    return seconds;
  };
  if (options.format != "csv" && options.format != "xes") {
    return Status::BadField(fmt::format("--format {}: csv or xes", options.format));
  }
  TL_ASSIGN_OR_RETURN(Mapping mapping, LoadMapping(options.mapping_path));
  // Opening a ledger that holds data replays its write-ahead log, which takes as long as
  // reading a large input: do both at once. A new ledger is only created once the input has
  // been read, so that an unusable input leaves nothing behind.
  ledger::LogOptions log_options;
  log_options.max_batch_appends = options.chunk;
  std::future<std::unique_ptr<ledger::EventLog>> log_opening;
  const bool open_early =
      std::filesystem::exists(std::filesystem::path(options.data_dir) / "CURRENT");
  if (open_early) {
    log_opening = std::async(std::launch::async,
                             [&] { return OpenLogForWriting(options.data_dir, log_options); });
  }
  auto read = ReadRows(options, mapping);
  std::unique_ptr<ledger::EventLog> log = open_early ? log_opening.get() : nullptr;
  TL_ASSIGN_OR_RETURN(std::vector<SourceRow> rows, std::move(read));
  const double read_seconds = lap();

  Reconciliation rec;
  rec.source = mapping.source;
  rec.format = options.format;
  rec.input = options.input_path;
  rec.rows = rows.size();
  rec.read_seconds = read_seconds;
  std::vector<RowFate> fates(rows.size());

  // Cases in order of first appearance; unreadable rows are skipped with their problem (they
  // still count their case, which then may have no ticket).
  std::vector<std::vector<uint32_t>> cases;
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
  std::unordered_set<EventId, IdHash> seen;
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

  rec.prepare_seconds = lap();
  if (!open_early) log = OpenLogForWriting(options.data_dir, log_options);
  if (!log) {
    return Status::Unavailable(fmt::format("cannot open the ledger in {}", options.data_dir));
  }

  rec.open_seconds = lap();
  TL_ASSIGN_OR_RETURN(auto existing_queues, LoadExistingQueues(*log, mapping, rows));
  Membership membership;
  for (const auto& [name, queue] : existing_queues) membership.AddExisting(name, queue.members);
  DeriveMembership(mapping, rows, cases, membership);

  // Tickets are numbered in order of their opening in the source (ties: case id). A case the
  // ledger already has (an earlier run of this source) keeps its ticket.
  Translator translator(mapping, membership, options.actor);
  std::vector<CaseState> states(cases.size());
  std::vector<uint32_t> opening(cases.size(), UINT32_MAX);  // the row that opens each case
  std::vector<uint32_t> order;
  for (uint32_t c = 0; c < cases.size(); ++c) {
    for (uint32_t i : cases[c]) {
      if (translator.OpensTicket(rows[i])) {
        opening[c] = i;
        order.push_back(c);
        break;
      }
    }
  }
  rec.cases_without_ticket = cases.size() - order.size();
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const SourceRow& ra = rows[opening[a]];
    const SourceRow& rb = rows[opening[b]];
    return std::tie(ra.time, ra.case_id) < std::tie(rb.time, rb.case_id);
  });
  const ledger::LogHead head = log->Head();
  ledger::TicketId next_ticket = head.last_ticket;
  for (uint32_t c : order) {
    if (head.seq > 0) {
      const SourceRow& first = rows[opening[c]];
      TL_ASSIGN_OR_RETURN(auto found,
                          log->LookupEventId(CaseOpenedId(mapping.source, first.case_id, first.time)));
      if (found) {
        if (!found->result.stream.is_ticket()) {
          return Status::Internal(fmt::format("case {}: its opening id names {}", first.case_id,
                                              found->result.stream.ToString()));
        }
        states[c].id = found->result.stream.ticket;
        continue;
      }
    }
    states[c].id = ++next_ticket;
  }

  // Every row in source-time order across cases (ties: ticket, then the case's own order), so
  // the log reads as the history happened. Each row is translated as its turn comes, while the
  // previous chunk of requests commits.
  struct Slot {
    ledger::TimeNs time;
    ledger::TicketId ticket;
    uint32_t case_index, position;
  };
  std::vector<Slot> slots;
  for (uint32_t c = 0; c < cases.size(); ++c) {
    for (uint32_t p = 0; p < cases[c].size(); ++p) {
      slots.push_back(Slot{rows[cases[c][p]].time, states[c].id, c, p});
    }
  }
  std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
    return std::tie(a.time, a.ticket, a.position) < std::tie(b.time, b.ticket, b.position);
  });
  rec.prepare_seconds += lap();

  // What each request added to the writer stands for, to account for its result.
  struct Sent {
    enum class Kind : uint8_t { kTicket, kQueue, kService } kind;
    bool opens = false;
    uint32_t events = 0;
    uint32_t row = 0;
  };
  std::vector<Sent> sent;
  sent.reserve(slots.size());
  std::unique_ptr<Progress> progress;
  if (options.progress) progress = std::make_unique<Progress>("write", "rows", slots.size());
  uint64_t rows_done = 0;
  std::vector<std::string> reference_errors;
  BatchWriter writer(*log, options.chunk, [&](size_t index, const Result<ledger::AppendResult>& r) {
    const Sent& s = sent[index];
    if (s.kind != Sent::Kind::kTicket) {
      if (!r.ok()) {
        reference_errors.push_back(r.status().ToString());
      } else if (!r->replayed) {
        ++(s.kind == Sent::Kind::kQueue ? rec.queues_defined : rec.services_defined);
      }
    } else if (!r.ok()) {
      fates[s.row] = RowFate{RowFate::Kind::kFailed, r.status().ToString()};
      if (errors && errors->size() < kMaxReportedErrors) {
        errors->push_back(fmt::format("case {} (row {}): {}", rows[s.row].case_id,
                                      rows[s.row].ordinal, r.status().ToString()));
      }
    } else if (r->replayed) {
      rec.events_existing += s.events;
      if (s.opens) ++rec.tickets_existing;
    } else {
      rec.events_appended += s.events;
      if (s.opens) ++rec.tickets_created;
    }
    if (options.crash_after != 0 && index + 1 == options.crash_after) std::_Exit(137);
  });
  ReferenceDefiner reference(*log, mapping, membership, std::move(existing_queues), options.actor);
  std::string reason;
  for (const Slot& slot : slots) {
    const uint32_t index = cases[slot.case_index][slot.position];
    CaseState& state = states[slot.case_index];
    const ledger::Version version_before = state.ticket.version;
    reason.clear();
    std::vector<ledger::EventDraft> events = translator.TranslateRow(state, rows[index], &reason);
    if (progress) progress->Update(++rows_done);
    if (events.empty()) {
      fates[index] = RowFate{RowFate::Kind::kSkipped, reason};
      continue;
    }
    fates[index] = RowFate{RowFate::Kind::kImported, {}};
    TL_ASSIGN_OR_RETURN(auto definitions, reference.Before(events, rows[index].time));
    for (auto& definition : definitions) {
      sent.push_back(Sent{definition.parts[0].stream.kind == StreamId::Kind::kQueue
                              ? Sent::Kind::kQueue
                              : Sent::Kind::kService});
      writer.Add(std::move(definition));
    }
    sent.push_back(Sent{Sent::Kind::kTicket, version_before == 0,
                        static_cast<uint32_t>(events.size()), index});
    ledger::AppendRequest request;
    request.parts.push_back(
        ledger::StreamAppend{StreamId::Ticket(state.id), version_before, std::move(events)});
    writer.Add(std::move(request));
  }
  writer.Flush();
  if (progress) progress->Finish(rows_done);
  rec.append_seconds = lap();
  if (!reference_errors.empty()) {
    return Status::Internal("defining queues and services failed: " + reference_errors.front());
  }

  rec.Tally(fates);
  if (!options.rejects_path.empty()) {
    TL_RETURN_IF_ERROR(WriteRejects(options.rejects_path, rows, fates));
  }
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rec;
}

}  // namespace tl::tools::import
