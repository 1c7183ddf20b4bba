#include "tools/import/importer.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>

#include "tools/import/batch_writer.h"
#include "tools/import/mapping.h"
#include "tools/import/membership.h"
#include "tools/import/reference_data.h"
#include "tools/import/source_row.h"
#include "tools/import/translator.h"
#include "tools/log_access.h"
#include "tools/progress.h"

namespace tl::tools::import {
namespace {

using ledger::StreamId;

constexpr size_t kMaxReportedErrors = 20;

// Appends a prepared source: adds the ledger's own queue members, numbers its tickets (a case the
// ledger already has keeps its ticket), then translates and appends every row in source-time order.
Result<Reconciliation> AppendSource(ledger::EventLog& log, PreparedSource source,
                                    const ImportOptions& options,
                                    std::vector<std::string>* errors) {
  const auto start = std::chrono::steady_clock::now();
  auto lap = [last = start]() mutable {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last).count();
    last = now;
    return seconds;
  };
  const Mapping& mapping = source.mapping;
  const SourceRows& rows = source.rows;
  std::vector<RowFate>& fates = source.fates;
  const std::vector<std::vector<uint32_t>>& cases = source.cases;
  Reconciliation& rec = source.rec;

  TL_ASSIGN_OR_RETURN(auto existing_queues, LoadExistingQueues(log, mapping, rows));
  Membership& membership = source.membership;
  for (const auto& [name, queue] : existing_queues) membership.AddExisting(name, queue.members);

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
  const ledger::LogHead head = log.Head();
  ledger::TicketId next_ticket = head.last_ticket;
  for (uint32_t c : order) {
    if (!head.seq.is_zero()) {
      const SourceRow& first = rows[opening[c]];
      TL_ASSIGN_OR_RETURN(
          auto found, log.LookupEventId(CaseOpenedId(mapping.source, first.case_id, first.time)));
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
  BatchWriter writer(log, options.chunk, [&](size_t index, const Result<ledger::AppendResult>& r) {
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
  ReferenceDefiner reference(log, mapping, membership, std::move(existing_queues), options.actor);
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
    sent.push_back(Sent{Sent::Kind::kTicket, version_before.is_zero(),
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
  // The source's own phases: its reading may have overlapped the source before it.
  rec.seconds = rec.read_seconds + rec.prepare_seconds + rec.open_seconds +
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rec;
}

}  // namespace

Status RunImport(const ImportOptions& options, const SourceDone& done) {
  const size_t n = options.sources.size();
  auto fail = [&](size_t index, Status error) {
    done(index, error, {});
    return error;
  };
  if (n == 0) return fail(0, Status::BadField("nothing to import: no input"));
  if (n > 1 && !options.rejects_path.empty()) {
    return fail(0, Status::BadField("--rejects takes a single input"));
  }
  // Every mapping is checked before anything is appended.
  std::vector<Mapping> mappings;
  for (size_t i = 0; i < n; ++i) {
    const ImportSource& source = options.sources[i];
    if (source.format != "csv" && source.format != "xes") {
      return fail(i, Status::BadField(fmt::format("--format {}: csv or xes", source.format)));
    }
    auto mapping = LoadMapping(source.mapping_path);
    if (!mapping.ok()) return fail(i, mapping.status());
    mappings.push_back(std::move(*mapping));
  }

  // Opening a ledger is done while the first input is read: one that holds data replays its
  // write-ahead log, which takes as long as reading a large input, and creating one takes a
  // tenth of a second. A ledger created here is removed again if the first input turns out
  // unusable, so that nothing is left behind; a folder that exists without a ledger in it is
  // not touched until the input has been read.
  const std::filesystem::path data_dir(options.data_dir);
  std::error_code exists_error;
  const bool folder_existed = std::filesystem::exists(data_dir, exists_error) || exists_error;
  ledger::LogOptions log_options;
  log_options.max_batch_appends = options.chunk;
  log_options.compression = options.log_compression;
  std::future<std::unique_ptr<ledger::EventLog>> log_opening;
  if (!folder_existed || MayHoldLedger(options.data_dir)) {
    log_opening = std::async(std::launch::async, [&] {
      return OpenLogForWriting(options.data_dir, log_options, options.master_key);
    });
  }
  Result<PreparedSource> current =
      PrepareSource(options.sources[0], std::move(mappings[0]), options.progress);
  const auto open_wait = std::chrono::steady_clock::now();
  std::unique_ptr<ledger::EventLog> log = log_opening.valid() ? log_opening.get() : nullptr;
  if (!current.ok() && !folder_existed) {
    log.reset();
    std::error_code ignored;  // best effort: the error that matters is the input's
    std::filesystem::remove_all(data_dir, ignored);
  }
  if (log && current.ok()) {
    current->rec.open_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - open_wait).count();
  }
  for (size_t i = 0; i < n; ++i) {
    if (!current.ok()) return fail(i, current.status());
    // The next source is read and ordered on its own threads while this one is appended (no
    // progress line of its own: this one's is on the screen).
    std::future<Result<PreparedSource>> next;
    if (i + 1 < n) {
      next = std::async(std::launch::async, [&, i] {
        return PrepareSource(options.sources[i + 1], std::move(mappings[i + 1]), false);
      });
    }
    PreparedSource source = std::move(*current);
    if (!log) {
      const auto open_start = std::chrono::steady_clock::now();
      log = OpenLogForWriting(options.data_dir, log_options, options.master_key);
      source.rec.open_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - open_start).count();
    }
    if (!log) {
      return fail(
          i, Status::Unavailable(fmt::format("cannot open the ledger in {}", options.data_dir)));
    }
    std::vector<std::string> refusals;
    Result<Reconciliation> summary = AppendSource(*log, std::move(source), options, &refusals);
    done(i, summary, refusals);
    if (!summary.ok()) return summary.status();
    // This source's memtables go to table files while the next is appended, instead of all
    // at the close. Best effort: the close flushes whatever is left.
    if (i + 1 < n) log->StartFlush().PermitUncheckedError();
    if (next.valid()) current = next.get();
  }
  return Status::Ok();
}

}  // namespace tl::tools::import
