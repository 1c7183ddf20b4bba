#include "tools/generate/command_path.h"

#include <fmt/format.h>

#include "app/command_handler.h"
#include "ledger/domain/ticket_rules.h"

namespace tl::tools::generate {

using namespace tl::ledger;
using namespace tl::app;

namespace {

// The rules refusing a command the simulation chose is a bug in the simulation.
Status Refused(std::string_view what, const Status& status) {
  return Status::Internal(
      fmt::format("generator bug: the rules refuse {}: {}", what, status.ToString()));
}

}  // namespace

CommandPath::CommandPath(uint64_t seed, BatchWriter& writer)
    : writer_(writer), id_space_(EventId::FromName("generate", std::to_string(seed))) {}

EventId CommandPath::NextEventId() {
  // Version 8 (bits 48-51), RFC 4122 variant (bits 64-65): a well-formed UUID.
  EventId id = id_space_;
  id.bytes[6] = 0x80;
  id.bytes[7] = 0;
  id.bytes[8] = 0x80;
  const uint64_t n = events_++;
  for (int i = 0; i < 7; ++i) id.bytes[15 - i] = static_cast<uint8_t>(n >> (8 * i));
  return id;
}

std::vector<EventDraft> CommandPath::Draft(std::vector<Payload> payloads, const StreamId& stream,
                                           TicketState* fold, Version version, Who who, TimeNs at) {
  std::vector<EventDraft> drafts;
  drafts.reserve(payloads.size());
  for (Payload& payload : payloads) {
    const EventId id = NextEventId();
    // Fold through an Event (the shape ApplyTo* take), moving the payload in and out again.
    Event event;
    event.stream = stream;
    event.version = ++version;
    event.event_id = id;
    event.occurred_at = at;
    event.actor = who.actor;
    event.recorded_by = who.recorded_by;
    event.payload = std::move(payload);
    if (fold) {
      ApplyToTicket(*fold, event);
    } else {
      ApplyToReference(reference_, event);
    }
    drafts.push_back(EventDraft{id, at, std::move(event.actor), std::move(event.recorded_by),
                                std::move(event.payload)});
  }
  return drafts;
}

Status CommandPath::Submit(AppendRequest request, BatchWriter::Expected expected, TimeNs at) {
  // The generator only writes into an empty log and mints its ids from a counter, so no id
  // can be in the log already: the writer need not look them up.
  request.ids_are_fresh = true;
  ++commands_;
  return writer_.Add(std::move(request), std::move(expected), at);
}

Status CommandPath::Define(const DefineQueue& command, Who who, TimeNs at) {
  auto decided = DecideQueue(command, reference_);
  if (!decided.ok()) return Refused(fmt::format("queue {}", command.name), decided.status());
  if (!*decided) return Status::Ok();  // changes nothing
  const QueueInfo* existing = reference_.FindQueue(command.name);
  const Version version = existing ? existing->version : Version{};
  CommandMeta meta{std::string(who.actor), std::string(who.recorded_by), at, std::nullopt,
                   std::nullopt};
  AppendRequest request;
  request.fingerprint = CommandFingerprint(command, meta);
  const StreamId stream = StreamId::Queue(command.name);
  request.parts.push_back(StreamAppend{
      stream, version, Draft({std::move(**decided)}, stream, nullptr, version, who, at)});
  return Submit(std::move(request), {stream, version.Next()}, at);
}

Status CommandPath::Define(const DefineService& command, Who who, TimeNs at) {
  auto decided = DecideService(command, reference_);
  if (!decided.ok()) return Refused(fmt::format("service {}", command.name), decided.status());
  if (!*decided) return Status::Ok();
  const ServiceInfo* existing = reference_.FindService(command.name);
  const Version version = existing ? existing->version : Version{};
  CommandMeta meta{std::string(who.actor), std::string(who.recorded_by), at, std::nullopt,
                   std::nullopt};
  AppendRequest request;
  request.fingerprint = CommandFingerprint(command, meta);
  const StreamId stream = StreamId::Service(command.name);
  request.parts.push_back(StreamAppend{
      stream, version, Draft({std::move(**decided)}, stream, nullptr, version, who, at)});
  return Submit(std::move(request), {stream, version.Next()}, at);
}

Status CommandPath::Open(const OpenTicket& command, TicketState* parent, Who who, TimeNs at,
                         TicketState* ticket) {
  if (command.parent.has_value() != (parent != nullptr) ||
      (parent && parent->id != *command.parent) || ticket->exists()) {
    return Status::Internal("generator bug: Open called with inconsistent parent or ticket");
  }
  auto decided = DecideOpen(command, reference_, parent, at);
  if (!decided.ok()) return Refused("opening a ticket", decided.status());
  CommandMeta meta{std::string(who.actor), std::string(who.recorded_by), at, std::nullopt,
                   std::nullopt};
  AppendRequest request;
  request.fingerprint = CommandFingerprint(command, meta);
  const TicketId id = last_ticket_.Next();
  const StreamId stream = StreamId::Ticket(id);
  request.parts.push_back(StreamAppend{
      stream, Version{0}, Draft(std::move(decided).value(), stream, ticket, Version{}, who, at)});
  if (parent) {
    // The parent's history records the link in the same append (as the handler does; with an
    // explicit id, the link names the child directly).
    const StreamId parent_stream = StreamId::Ticket(parent->id);
    const Version parent_version = parent->version;
    request.parts.push_back(
        StreamAppend{parent_stream, parent_version,
                     Draft({ChildLinked{id}}, parent_stream, parent, parent_version, who, at)});
  }
  last_ticket_ = id;
  return Submit(std::move(request), {stream, ticket->version}, at);
}

Status CommandPath::Act(TicketState& ticket, const TicketAction& action, Who who, TimeNs at) {
  auto decided = DecideAction(ticket, reference_, action, at);
  if (!decided.ok()) {
    return Refused(fmt::format("{} on ticket {}", ActionName(action), ticket.id), decided.status());
  }
  CommandMeta meta{std::string(who.actor), std::string(who.recorded_by), at, std::nullopt,
                   std::nullopt};
  AppendRequest request;
  request.fingerprint = CommandFingerprint(ticket.id, action, meta);
  const StreamId stream = StreamId::Ticket(ticket.id);
  const Version version = ticket.version;
  request.parts.push_back(StreamAppend{
      stream, version, Draft(std::move(decided).value(), stream, &ticket, version, who, at)});
  return Submit(std::move(request), {stream, ticket.version}, at);
}

}  // namespace tl::tools::generate
