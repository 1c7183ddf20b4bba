#include "tools/import/importer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "tools/import/batch_writer.h"
#include "tools/import/csv_reader.h"
#include "tools/import/gzip_reader.h"
#include "tools/import/mapping.h"
#include "tools/import/membership.h"
#include "tools/import/source_row.h"
#include "tools/import/translator.h"
#include "tools/import/xes_reader.h"
#include "tools/log_access.h"
#include "tools/progress.h"

namespace tl::tools::import {
namespace {

using ledger::EventId;
using ledger::StreamId;

constexpr std::string_view kReferenceSpace = "ticketledger.import.reference";
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
      const uint64_t offset = input->CompressedOffset();
      if (offset > 0) progress->SetTotal(rows.size() * input->FileSize() / offset);
      progress->Update(rows.size());
    }
    return Status::Ok();
  };
  Status read =
      options.format == "xes" ? ReadXes(*input, sink) : ReadCsv(*input, mapping.delimiter, sink);
  TL_RETURN_IF_ERROR(read.WithContext(options.input_path));
  if (progress) progress->Finish(rows.size());
  return rows;
}

struct ExistingQueue {
  std::set<std::string> members;
  bool first_line = false;
  ledger::Version version = 0;
};

// The queues the rows may name, as the ledger defines them now.
Result<std::map<std::string, ExistingQueue>> LoadExistingQueues(
    const ledger::EventLog& log, const Mapping& mapping, const std::vector<SourceRow>& rows) {
  std::set<std::string> names;
  if (mapping.queue.constant) names.insert(*mapping.queue.constant);
  names.insert(mapping.queue.fallback);
  for (const SourceRow& row : rows) {
    if (!row.queue.empty()) names.insert(row.queue);
  }
  std::map<std::string, ExistingQueue> existing;
  if (log.Head().seq == 0) return existing;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    TL_ASSIGN_OR_RETURN(auto events, log.ReadStream(StreamId::Queue(name)));
    if (events.empty()) continue;
    const auto* defined = std::get_if<ledger::QueueDefined>(&events.back().event.payload);
    if (defined == nullptr) continue;
    existing[name] = ExistingQueue{{defined->members.begin(), defined->members.end()},
                                   defined->first_line,
                                   events.back().event.version};
  }
  return existing;
}

ledger::AppendRequest OneEvent(StreamId stream, ledger::Version expected, EventId id,
                               ledger::TimeNs at, const std::string& actor,
                               ledger::Payload payload) {
  ledger::EventDraft draft{id, at, actor, actor, std::move(payload)};
  ledger::AppendRequest request;
  request.parts.push_back(ledger::StreamAppend{std::move(stream), expected, {std::move(draft)}});
  return request;
}

// Services and queues the plans name that the ledger lacks (or, for a queue, whose members
// differ from the derived ones), defined at `at`, the earliest opening of the import.
Result<std::vector<ledger::AppendRequest>> ReferenceRequests(
    const ledger::EventLog& log, const Mapping& mapping, const Translator& translator,
    const Membership& membership, const std::map<std::string, ExistingQueue>& existing,
    ledger::TimeNs at, const std::string& actor) {
  std::vector<ledger::AppendRequest> requests;
  for (const std::string& service : translator.services()) {
    TL_ASSIGN_OR_RETURN(ledger::Version version, log.StreamVersion(StreamId::Service(service)));
    if (version > 0) continue;
    EventId id =
        EventId::FromName(kReferenceSpace, fmt::format("{}\nservice\n{}", mapping.source, service));
    requests.push_back(
        OneEvent(StreamId::Service(service), 0, id, at, actor, ledger::ServiceDefined{service}));
  }
  for (const std::string& queue : translator.queues()) {
    std::vector<std::string> members = membership.Members(queue);
    auto it = existing.find(queue);
    bool first_line = mapping.first_line_queues.contains(queue);
    ledger::Version version = 0;
    if (it != existing.end()) {
      first_line = first_line || it->second.first_line;
      version = it->second.version;
      if (first_line == it->second.first_line &&
          std::equal(members.begin(), members.end(), it->second.members.begin(),
                     it->second.members.end())) {
        continue;
      }
    }
    EventId id = EventId::FromName(kReferenceSpace,
                                   fmt::format("{}\nqueue\n{}\n{}\n{}", mapping.source, queue,
                                               fmt::join(members, "\x1f"), first_line ? 1 : 0));
    requests.push_back(OneEvent(StreamId::Queue(queue), version, id, at, actor,
                                ledger::QueueDefined{std::move(members), first_line}));
  }
  return requests;
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

Status WriteRejects(const std::string& path, const std::vector<SourceRow>& rows,
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
  TL_ASSIGN_OR_RETURN(std::vector<SourceRow> rows, ReadRows(options, mapping));
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

  rec.translate_seconds = lap();
  ledger::LogOptions log_options;
  log_options.max_batch_appends = options.chunk;
  auto log = OpenLogForWriting(options.data_dir, log_options);
  if (!log)
    return Status::Unavailable(fmt::format("cannot open the ledger in {}", options.data_dir));

  rec.open_seconds = lap();
  TL_ASSIGN_OR_RETURN(auto existing_queues, LoadExistingQueues(*log, mapping, rows));
  Membership membership;
  for (const auto& [name, queue] : existing_queues) membership.AddExisting(name, queue.members);
  DeriveMembership(mapping, rows, cases, membership);

  Translator translator(mapping, membership, options.actor);
  std::vector<CasePlan> plans;
  plans.reserve(cases.size());
  for (const auto& case_rows : cases) plans.push_back(translator.Translate(rows, case_rows, fates));

  // Tickets are numbered in order of their opening in the source. A case the ledger already
  // has (an earlier run) keeps its ticket.
  std::vector<uint32_t> order;
  for (uint32_t p = 0; p < plans.size(); ++p) {
    if (plans[p].requests.empty()) {
      ++rec.cases_without_ticket;
    } else {
      order.push_back(p);
    }
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::tie(plans[a].opened_at, plans[a].case_id) <
           std::tie(plans[b].opened_at, plans[b].case_id);
  });
  const ledger::LogHead head = log->Head();
  std::vector<ledger::TicketId> ticket_of(plans.size(), 0);
  ledger::TicketId next_ticket = head.last_ticket;
  for (uint32_t p : order) {
    if (head.seq > 0) {
      TL_ASSIGN_OR_RETURN(auto found, log->LookupEventId(plans[p].opened_id));
      if (found) {
        if (!found->result.stream.is_ticket()) {
          return Status::Internal(fmt::format("case {}: its opening id names {}", plans[p].case_id,
                                              found->result.stream.ToString()));
        }
        ticket_of[p] = found->result.stream.ticket;
        continue;
      }
    }
    ticket_of[p] = ++next_ticket;
  }

  rec.translate_seconds += lap();
  // Reference data first, defined at the earliest opening.
  const ledger::TimeNs first_at = order.empty() ? 0 : plans[order.front()].opened_at;
  TL_ASSIGN_OR_RETURN(auto reference, ReferenceRequests(*log, mapping, translator, membership,
                                                        existing_queues, first_at, options.actor));
  if (!reference.empty()) {
    std::vector<bool> is_queue;
    for (const auto& r : reference)
      is_queue.push_back(r.parts[0].stream.kind == StreamId::Kind::kQueue);
    auto results = log->AppendBatch(std::move(reference));
    for (size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok()) return results[i].status().WithContext("defining queues and services");
      if (results[i]->replayed) continue;
      ++(is_queue[i] ? rec.queues_defined : rec.services_defined);
    }
  }

  // The tickets' requests, in source-time order across tickets (ties: ticket, then row order
  // within the ticket), so the log reads as the history happened.
  struct Slot {
    ledger::TimeNs time;
    ledger::TicketId ticket;
    uint32_t plan, request;
  };
  std::vector<Slot> slots;
  for (uint32_t p : order) {
    for (uint32_t r = 0; r < plans[p].requests.size(); ++r) {
      slots.push_back(Slot{plans[p].requests[r].time, ticket_of[p], p, r});
    }
  }
  std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
    return std::tie(a.time, a.ticket, a.request) < std::tie(b.time, b.ticket, b.request);
  });

  struct Sent {
    uint32_t row;
    uint32_t events;
    bool opens;
    uint32_t plan;
  };
  std::vector<Sent> sent;
  sent.reserve(slots.size());
  std::unique_ptr<Progress> progress;
  if (options.progress) progress = std::make_unique<Progress>("write", "rows", slots.size());
  BatchWriter writer(*log, options.chunk, [&](size_t index, const Result<ledger::AppendResult>& r) {
    const Sent& s = sent[index];
    if (!r.ok()) {
      fates[s.row] = RowFate{RowFate::Kind::kFailed, std::string(r.status().ToString())};
      if (errors && errors->size() < kMaxReportedErrors) {
        errors->push_back(fmt::format("case {} (row {}): {}", plans[s.plan].case_id,
                                      rows[s.row].ordinal, r.status().ToString()));
      }
    } else if (r->replayed) {
      rec.events_existing += s.events;
      if (s.opens) ++rec.tickets_existing;
    } else {
      rec.events_appended += s.events;
      if (s.opens) ++rec.tickets_created;
    }
    if (progress) progress->Update(index + 1);
    if (options.crash_after != 0 && index + 1 == options.crash_after) std::_Exit(137);
  });
  for (const Slot& slot : slots) {
    PlannedRequest& planned = plans[slot.plan].requests[slot.request];
    sent.push_back(
        Sent{planned.row, static_cast<uint32_t>(planned.events.size()), planned.opens, slot.plan});
    ledger::AppendRequest request;
    request.parts.push_back(ledger::StreamAppend{
        StreamId::Ticket(slot.ticket), planned.version_before, std::move(planned.events)});
    writer.Add(std::move(request));
  }
  writer.Flush();
  if (progress) progress->Finish(slots.size());
  rec.write_seconds = lap();

  for (const RowFate& f : fates) {
    switch (f.kind) {
      case RowFate::Kind::kImported:
        ++rec.imported;
        break;
      case RowFate::Kind::kDuplicate:
        ++rec.duplicates;
        break;
      case RowFate::Kind::kSkipped:
        ++rec.skipped;
        ++rec.skip_reasons[f.reason];
        break;
      case RowFate::Kind::kFailed:
        ++rec.failed;
        break;
      case RowFate::Kind::kPending:
        break;  // a bug: Balanced() reports it
    }
  }
  if (!options.rejects_path.empty()) {
    TL_RETURN_IF_ERROR(WriteRejects(options.rejects_path, rows, fates));
  }
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rec;
}

}  // namespace tl::tools::import
