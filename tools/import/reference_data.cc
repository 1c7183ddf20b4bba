#include "tools/import/reference_data.h"

#include <fmt/format.h>

#include <algorithm>

namespace tl::tools::import {
namespace {

using ledger::EventId;
using ledger::StreamId;

constexpr std::string_view kReferenceSpace = "ticketledger.import.reference";

ledger::AppendRequest OneEvent(StreamId stream, ledger::Version expected, EventId id,
                               ledger::TimeNs at, const std::string& actor,
                               ledger::Payload payload) {
  ledger::EventDraft draft{id, at, actor, actor, std::move(payload)};
  ledger::AppendRequest request;
  request.parts.push_back(ledger::StreamAppend{std::move(stream), expected, {std::move(draft)}});
  return request;
}

}  // namespace

Result<std::map<std::string, ExistingQueue>> LoadExistingQueues(const ledger::EventLog& log,
                                                                const Mapping& mapping,
                                                                const SourceRows& rows) {
  std::map<std::string, ExistingQueue> existing;
  if (log.Head().seq.is_zero()) return existing;
  std::set<std::string> names;
  if (mapping.queue.constant) names.insert(*mapping.queue.constant);
  names.insert(mapping.queue.fallback);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].queue.empty()) names.insert(rows[i].queue);
  }
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

ReferenceDefiner::ReferenceDefiner(const ledger::EventLog& log, const Mapping& mapping,
                                   const Membership& membership,
                                   std::map<std::string, ExistingQueue> existing, std::string actor)
    : log_(log),
      mapping_(mapping),
      membership_(membership),
      existing_(std::move(existing)),
      actor_(std::move(actor)) {}

Result<std::vector<ledger::AppendRequest>> ReferenceDefiner::Before(
    const std::vector<ledger::EventDraft>& events, ledger::TimeNs at) {
  std::vector<ledger::AppendRequest> out;
  for (const ledger::EventDraft& e : events) {
    if (const auto* o = std::get_if<ledger::TicketOpened>(&e.payload)) {
      TL_RETURN_IF_ERROR(Service(o->service, at, out));
      TL_RETURN_IF_ERROR(Queue(o->queue, at, out));
    } else if (const auto* m = std::get_if<ledger::Moved>(&e.payload)) {
      TL_RETURN_IF_ERROR(Queue(m->to_queue, at, out));
    } else if (const auto* u = std::get_if<ledger::Updated>(&e.payload); u && u->service) {
      TL_RETURN_IF_ERROR(Service(*u->service, at, out));
    }
  }
  return out;
}

Status ReferenceDefiner::Service(const std::string& name, ledger::TimeNs at,
                                 std::vector<ledger::AppendRequest>& out) {
  if (!seen_services_.insert(name).second) return Status::Ok();
  TL_ASSIGN_OR_RETURN(ledger::Version version, log_.StreamVersion(StreamId::Service(name)));
  if (!version.is_zero()) return Status::Ok();
  EventId id =
      EventId::FromName(kReferenceSpace, fmt::format("{}\nservice\n{}", mapping_.source, name));
  out.push_back(OneEvent(StreamId::Service(name), ledger::Version{}, id, at, actor_,
                         ledger::ServiceDefined{name}));
  return Status::Ok();
}

Status ReferenceDefiner::Queue(const std::string& name, ledger::TimeNs at,
                               std::vector<ledger::AppendRequest>& out) {
  if (!seen_queues_.insert(name).second) return Status::Ok();
  std::vector<std::string> members = membership_.Members(name);
  bool first_line = mapping_.first_line_queues.contains(name);
  ledger::Version version{};
  if (auto it = existing_.find(name); it != existing_.end()) {
    first_line = first_line || it->second.first_line;
    version = it->second.version;
    if (first_line == it->second.first_line &&
        std::equal(members.begin(), members.end(), it->second.members.begin(),
                   it->second.members.end())) {
      return Status::Ok();
    }
  }
  EventId id = EventId::FromName(kReferenceSpace,
                                 fmt::format("{}\nqueue\n{}\n{}\n{}", mapping_.source, name,
                                             fmt::join(members, "\x1f"), first_line ? 1 : 0));
  out.push_back(OneEvent(StreamId::Queue(name), version, id, at, actor_,
                         ledger::QueueDefined{std::move(members), first_line}));
  return Status::Ok();
}

}  // namespace tl::tools::import
