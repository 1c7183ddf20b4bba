#include "ledger/store/codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <fmt/format.h>
#include <kj/exception.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "ledger/domain/overloaded.h"
#include "ledger/store/schema/events.capnp.h"

namespace tl::ledger {
namespace {

namespace s = schema;

constexpr size_t kFrameHeaderBytes = 8;  // segment count - 1, then one segment size

capnp::Text::Reader AsText(const std::string& s) { return capnp::Text::Reader(s.data(), s.size()); }
std::string ToString(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }
// A personal field's stored bytes (docs/log-format.md, "Personal fields"): sealed by the log
// when it has keys, so any bytes at all; hence Data, not Text.
capnp::Data::Reader AsData(const std::string& s) {
  return capnp::Data::Reader(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

// The generated enums and ours have the same ordinals (enforced by the static_asserts below),
// so the conversions are casts; an unknown value from a newer writer is caught on decode.
static_assert(static_cast<int>(s::Category::CHANGE) == static_cast<int>(Category::kChange));
static_assert(static_cast<int>(s::Channel::WEB) == static_cast<int>(Channel::kWeb));
static_assert(static_cast<int>(s::TicketStatus::RESOLVED) ==
              static_cast<int>(TicketStatus::kResolved));
static_assert(static_cast<int>(s::MailKind::FEEDBACK_INVITATION) ==
              static_cast<int>(MailKind::kFeedbackInvitation));

s::Category ToSchema(Category c) { return static_cast<s::Category>(c); }
s::Channel ToSchema(Channel c) { return static_cast<s::Channel>(c); }
s::TicketStatus ToSchema(TicketStatus c) { return static_cast<s::TicketStatus>(c); }
s::MailKind ToSchema(MailKind c) { return static_cast<s::MailKind>(c); }

Category FromSchema(s::Category c) {
  if (static_cast<uint16_t>(c) > static_cast<uint16_t>(s::Category::CHANGE)) {
    throw std::runtime_error(fmt::format("unknown category {}", static_cast<uint16_t>(c)));
  }
  return static_cast<Category>(c);
}
Channel FromSchema(s::Channel c) {
  if (static_cast<uint16_t>(c) > static_cast<uint16_t>(s::Channel::WEB)) {
    throw std::runtime_error(fmt::format("unknown channel {}", static_cast<uint16_t>(c)));
  }
  return static_cast<Channel>(c);
}
TicketStatus FromSchema(s::TicketStatus c) {
  if (static_cast<uint16_t>(c) > static_cast<uint16_t>(s::TicketStatus::RESOLVED)) {
    throw std::runtime_error(fmt::format("unknown status {}", static_cast<uint16_t>(c)));
  }
  return static_cast<TicketStatus>(c);
}
MailKind FromSchema(s::MailKind c) {
  if (static_cast<uint16_t>(c) > static_cast<uint16_t>(s::MailKind::FEEDBACK_INVITATION)) {
    throw std::runtime_error(fmt::format("unknown mail kind {}", static_cast<uint16_t>(c)));
  }
  return static_cast<MailKind>(c);
}

void BuildStream(const StreamId& id, s::StreamId::Builder b) {
  switch (id.kind) {
    case StreamId::Kind::kTicket:
      b.setTicket(id.ticket.value());
      break;
    case StreamId::Kind::kQueue:
      b.setQueue(AsText(id.name));
      break;
    case StreamId::Kind::kService:
      b.setService(AsText(id.name));
      break;
  }
}

void BuildPayload(const Payload& payload, s::Event::Payload::Builder b) {
  std::visit(Overloaded{
                 [&](const TicketOpened& p) {
                   auto o = b.initOpened();
                   o.setService(AsText(p.service));
                   o.setCategory(ToSchema(p.category));
                   o.setDescription(AsText(p.description));
                   o.setQueue(AsText(p.queue));
                   o.setRequesterSealed(AsData(p.requester));
                   o.setChannel(ToSchema(p.channel));
                   o.setSubjectSealed(AsData(p.subject));
                   o.setParent(p.parent.value());
                   o.setExternalRef(AsText(p.external_ref));
                 },
                 [&](const Acknowledged&) { b.initAcknowledged(); },
                 [&](const Replied& p) { b.initReplied().setBodySealed(AsData(p.body)); },
                 [&](const RequesterMessaged& p) {
                   b.initRequesterMessaged().setBodySealed(AsData(p.body));
                 },
                 [&](const Commented& p) { b.initCommented().setBodySealed(AsData(p.body)); },
                 [&](const StatusChanged& p) {
                   auto o = b.initStatusChanged();
                   o.setFrom(ToSchema(p.from));
                   o.setTo(ToSchema(p.to));
                 },
                 [&](const Stalled& p) {
                   auto o = b.initStalled();
                   o.setAwaitingSealed(AsData(p.awaiting));
                   o.setFollowUpAt(p.follow_up_at);
                 },
                 [&](const Resumed&) { b.initResumed(); },
                 [&](const Assigned& p) { b.initAssigned().setOwner(AsText(p.owner)); },
                 [&](const Unassigned& p) {
                   b.initUnassigned().setPreviousOwner(AsText(p.previous_owner));
                 },
                 [&](const Moved& p) {
                   auto o = b.initMoved();
                   o.setFromQueue(AsText(p.from_queue));
                   o.setToQueue(AsText(p.to_queue));
                   o.setReasonSealed(AsData(p.reason));
                   o.setMisroute(p.misroute);
                   o.setOwnerCleared(p.owner_cleared);
                 },
                 [&](const Updated& p) {
                   auto o = b.initUpdated();
                   if (p.service) o.getService().setValue(AsText(*p.service));
                   if (p.category) o.getCategory().setValue(ToSchema(*p.category));
                   if (p.description) o.getDescription().setValue(AsText(*p.description));
                   if (p.requester) o.getRequester().setSealed(AsData(*p.requester));
                   if (p.subject) o.getSubject().setSealed(AsData(*p.subject));
                 },
                 [&](const Resolved& p) { b.initResolved().setSolutionSealed(AsData(p.solution)); },
                 [&](const Reopened& p) { b.initReopened().setReasonSealed(AsData(p.reason)); },
                 [&](const FeedbackInvited&) { b.initFeedbackInvited(); },
                 [&](const FeedbackReceived& p) {
                   auto o = b.initFeedbackReceived();
                   o.setScore(p.score);
                   o.setCommentSealed(AsData(p.comment));
                 },
                 [&](const ChildLinked& p) { b.initChildLinked().setChild(p.child.value()); },
                 [&](const QueueDefined& p) {
                   auto o = b.initQueueDefined();
                   auto members = o.initMembers(static_cast<unsigned>(p.members.size()));
                   for (unsigned i = 0; i < p.members.size(); ++i)
                     members.set(i, AsText(p.members[i]));
                   o.setFirstLine(p.first_line);
                 },
                 [&](const ServiceDefined& p) { b.initServiceDefined().setTitle(AsText(p.title)); },
                 [&](const PersonalDataErased& p) {
                   b.initPersonalDataErased().setReason(AsText(p.reason));
                 },
                 [&](const MailSent& p) {
                   auto o = b.initMailSent();
                   o.setKind(ToSchema(p.kind));
                   o.setMessageId(AsText(p.message_id));
                   o.setToSealed(AsData(p.to));
                 },
                 [&](const MailFailed& p) {
                   auto o = b.initMailFailed();
                   o.setKind(ToSchema(p.kind));
                   o.setMessageId(AsText(p.message_id));
                   o.setToSealed(AsData(p.to));
                   o.setReasonSealed(AsData(p.reason));
                 },
                 [&](const MailBounced& p) {
                   auto o = b.initMailBounced();
                   o.setMessageId(AsText(p.message_id));
                   auto recipients =
                       o.initRecipientsSealed(static_cast<unsigned>(p.recipients.size()));
                   for (unsigned i = 0; i < p.recipients.size(); ++i) {
                     recipients.set(i, AsData(p.recipients[i]));
                   }
                   o.setDetailSealed(AsData(p.detail));
                 },
             },
             payload);
}

StreamId ReadStream(s::StreamId::Reader r) {
  switch (r.which()) {
    case s::StreamId::TICKET:
      return StreamId::Ticket(TicketId(r.getTicket()));
    case s::StreamId::QUEUE:
      return StreamId::Queue(ToString(r.getQueue()));
    case s::StreamId::SERVICE:
      return StreamId::Service(ToString(r.getService()));
  }
  throw std::runtime_error(fmt::format("unknown stream kind {}", static_cast<int>(r.which())));
}

void AssignText(std::string& out, capnp::Text::Reader t) { out.assign(t.cStr(), t.size()); }
void AssignData(std::string& out, capnp::Data::Reader d) {
  out.assign(reinterpret_cast<const char*>(d.begin()), d.size());
}

// The payload alternative T of `out`, reused when `out` holds one already (its strings keep
// their buffers), default-constructed otherwise. The readers below set every field of it.
template <class T>
T& Reuse(Payload& out) {
  if (T* held = std::get_if<T>(&out)) return *held;
  return out.emplace<T>();
}

template <typename UnionReader, typename Get>
void ReadOptionalText(UnionReader r, Get get, std::optional<std::string>& out) {
  if (!r.isValue()) {
    out.reset();
    return;
  }
  if (!out) out.emplace();
  AssignText(*out, get(r));
}

// A changed requester or subject of an update: format 3 writes it `sealed`. A `value` (Text)
// is what format 2 wrote; a format-3 log refuses those ledgers at open, so it is an error here.
template <typename UnionReader>
void ReadOptionalSealed(UnionReader r, std::optional<std::string>& out) {
  if (r.isUnchanged()) {
    out.reset();
    return;
  }
  if (!r.isSealed()) throw std::runtime_error("a personal field stored in clear (format 2)");
  if (!out) out.emplace();
  AssignData(*out, r.getSealed());
}

// Reads the payload into `out`. With `omit_narrative` the text no fold reads is left empty
// (DecodeOptions::omit_narrative).
void ReadPayloadInto(s::Event::Payload::Reader r, bool omit_narrative, Payload& out) {
  using P = s::Event::Payload;
  auto narrative = [omit_narrative](std::string& field, capnp::Text::Reader t) {
    if (omit_narrative) {
      field.clear();
    } else {
      AssignText(field, t);
    }
  };
  auto personal_narrative = [omit_narrative](std::string& field, capnp::Data::Reader d) {
    if (omit_narrative) {
      field.clear();
    } else {
      AssignData(field, d);
    }
  };
  switch (r.which()) {
    case P::OPENED: {
      auto o = r.getOpened();
      auto& p = Reuse<TicketOpened>(out);
      AssignText(p.service, o.getService());
      p.category = FromSchema(o.getCategory());
      AssignText(p.description, o.getDescription());
      AssignText(p.queue, o.getQueue());
      AssignData(p.requester, o.getRequesterSealed());
      p.channel = FromSchema(o.getChannel());
      AssignData(p.subject, o.getSubjectSealed());
      p.parent = TicketId(o.getParent());
      AssignText(p.external_ref, o.getExternalRef());
      return;
    }
    case P::ACKNOWLEDGED:
      Reuse<Acknowledged>(out);
      return;
    case P::REPLIED:
      personal_narrative(Reuse<Replied>(out).body, r.getReplied().getBodySealed());
      return;
    case P::REQUESTER_MESSAGED:
      personal_narrative(Reuse<RequesterMessaged>(out).body,
                         r.getRequesterMessaged().getBodySealed());
      return;
    case P::COMMENTED:
      personal_narrative(Reuse<Commented>(out).body, r.getCommented().getBodySealed());
      return;
    case P::STATUS_CHANGED: {
      auto& p = Reuse<StatusChanged>(out);
      p.from = FromSchema(r.getStatusChanged().getFrom());
      p.to = FromSchema(r.getStatusChanged().getTo());
      return;
    }
    case P::STALLED: {
      auto& p = Reuse<Stalled>(out);
      AssignData(p.awaiting, r.getStalled().getAwaitingSealed());
      p.follow_up_at = r.getStalled().getFollowUpAt();
      return;
    }
    case P::RESUMED:
      Reuse<Resumed>(out);
      return;
    case P::ASSIGNED:
      AssignText(Reuse<Assigned>(out).owner, r.getAssigned().getOwner());
      return;
    case P::UNASSIGNED:
      narrative(Reuse<Unassigned>(out).previous_owner, r.getUnassigned().getPreviousOwner());
      return;
    case P::MOVED: {
      auto o = r.getMoved();
      auto& p = Reuse<Moved>(out);
      AssignText(p.from_queue, o.getFromQueue());
      AssignText(p.to_queue, o.getToQueue());
      personal_narrative(p.reason, o.getReasonSealed());
      p.misroute = o.getMisroute();
      p.owner_cleared = o.getOwnerCleared();
      return;
    }
    case P::UPDATED: {
      auto o = r.getUpdated();
      auto& p = Reuse<Updated>(out);
      ReadOptionalText(
          o.getService(), [](auto x) { return x.getValue(); }, p.service);
      p.category = o.getCategory().isValue()
                       ? std::optional<Category>(FromSchema(o.getCategory().getValue()))
                       : std::nullopt;
      ReadOptionalText(
          o.getDescription(), [](auto x) { return x.getValue(); }, p.description);
      ReadOptionalSealed(o.getRequester(), p.requester);
      ReadOptionalSealed(o.getSubject(), p.subject);
      return;
    }
    case P::RESOLVED:
      AssignData(Reuse<Resolved>(out).solution, r.getResolved().getSolutionSealed());
      return;
    case P::REOPENED:
      personal_narrative(Reuse<Reopened>(out).reason, r.getReopened().getReasonSealed());
      return;
    case P::FEEDBACK_INVITED:
      Reuse<FeedbackInvited>(out);
      return;
    case P::FEEDBACK_RECEIVED: {
      auto& p = Reuse<FeedbackReceived>(out);
      p.score = r.getFeedbackReceived().getScore();
      AssignData(p.comment, r.getFeedbackReceived().getCommentSealed());
      return;
    }
    case P::CHILD_LINKED:
      Reuse<ChildLinked>(out).child = TicketId(r.getChildLinked().getChild());
      return;
    case P::QUEUE_DEFINED: {
      auto o = r.getQueueDefined();
      auto& p = Reuse<QueueDefined>(out);
      p.members.clear();
      for (auto m : o.getMembers()) p.members.push_back(ToString(m));
      p.first_line = o.getFirstLine();
      return;
    }
    case P::SERVICE_DEFINED:
      AssignText(Reuse<ServiceDefined>(out).title, r.getServiceDefined().getTitle());
      return;
    case P::MAIL_SENT: {
      auto o = r.getMailSent();
      auto& p = Reuse<MailSent>(out);
      p.kind = FromSchema(o.getKind());
      AssignText(p.message_id, o.getMessageId());
      AssignData(p.to, o.getToSealed());
      return;
    }
    case P::MAIL_FAILED: {
      auto o = r.getMailFailed();
      auto& p = Reuse<MailFailed>(out);
      p.kind = FromSchema(o.getKind());
      AssignText(p.message_id, o.getMessageId());
      AssignData(p.to, o.getToSealed());
      personal_narrative(p.reason, o.getReasonSealed());
      return;
    }
    case P::MAIL_BOUNCED: {
      auto o = r.getMailBounced();
      auto& p = Reuse<MailBounced>(out);
      AssignText(p.message_id, o.getMessageId());
      p.recipients.clear();
      for (auto m : o.getRecipientsSealed()) AssignData(p.recipients.emplace_back(), m);
      personal_narrative(p.detail, o.getDetailSealed());
      return;
    }
    case P::PERSONAL_DATA_ERASED:
      AssignText(Reuse<PersonalDataErased>(out).reason, r.getPersonalDataErased().getReason());
      return;
  }
  throw std::runtime_error(
      fmt::format("unknown event type (payload union member {})", static_cast<int>(r.which())));
}

uint32_t LoadLe32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // x86-64 and aarch64 Linux are little-endian, as the framing is
}

}  // namespace

std::string EncodeEvent(const Event& event) {
  // The first segment is a buffer of this thread's, not the heap's: a 2 KiB malloc and free
  // per event made glibc consolidate its fast bins (perf: malloc_consolidate in every thread
  // that encodes). The builder zeroes what it used when it is destroyed, as the next event's
  // builder requires (capnp/message.h).
  thread_local std::array<capnp::word, 256> first_segment{};
  capnp::MallocMessageBuilder message(kj::arrayPtr(first_segment.data(), first_segment.size()));
  auto root = message.initRoot<s::Event>();
  root.setSeq(event.seq.value());
  BuildStream(event.stream, root.initStream());
  root.setVersion(event.version.value());
  root.setEventId(capnp::Data::Reader(event.event_id.bytes.data(), event.event_id.bytes.size()));
  root.setOccurredAt(event.occurred_at);
  root.setRecordedAt(event.recorded_at);
  root.setActor(AsText(event.actor));
  root.setRecordedBy(AsText(event.recorded_by));
  BuildPayload(event.payload, root.initPayload());

  kj::Array<capnp::word> canonical = capnp::canonicalize(root.asReader());
  const uint32_t header[2] = {0, static_cast<uint32_t>(canonical.size())};
  std::string out(kFrameHeaderBytes + canonical.asBytes().size(), '\0');
  std::memcpy(out.data(), header, sizeof header);
  std::memcpy(out.data() + kFrameHeaderBytes, canonical.asBytes().begin(),
              canonical.asBytes().size());
  return out;
}

Result<size_t> FramedMessageLength(std::string_view bytes) {
  if (bytes.size() < 4) return Status::DataLoss("truncated segment table");
  uint64_t segments = uint64_t{LoadLe32(bytes.data())} + 1;
  // The table is padded to a whole word: 4 + 4 * segments rounded up to 8.
  uint64_t table_bytes = (4 + 4 * segments + 7) / 8 * 8;
  if (segments > 512 || bytes.size() < table_bytes) {
    return Status::DataLoss("truncated or implausible segment table");
  }
  uint64_t words = 0;
  for (uint64_t i = 0; i < segments; ++i) words += LoadLe32(bytes.data() + 4 + 4 * i);
  uint64_t total = table_bytes + words * 8;
  if (bytes.size() < total) return Status::DataLoss("truncated message");
  return static_cast<size_t>(total);
}

Result<Event> DecodeEvent(std::string_view bytes, DecodeOptions options) {
  Event e;
  TL_RETURN_IF_ERROR(DecodeEventInto(bytes, e, options));
  return e;
}

Status DecodeEventInto(std::string_view bytes, Event& e, DecodeOptions options) {
  if (options.require_canonical && options.omit_narrative) {
    return Status::Internal("an event decoded without its narrative is not canonical");
  }
  if (bytes.size() < kFrameHeaderBytes || (bytes.size() - kFrameHeaderBytes) % 8 != 0) {
    return Status::DataLoss(fmt::format("value of {} bytes is not a framed message", bytes.size()));
  }
  if (LoadLe32(bytes.data()) != 0) {
    return Status::DataLoss("value is not a single-segment message");
  }
  const size_t words = (bytes.size() - kFrameHeaderBytes) / 8;
  if (LoadLe32(bytes.data() + 4) != words) {
    return Status::DataLoss(fmt::format("segment size {} words disagrees with value size {}",
                                        LoadLe32(bytes.data() + 4), words));
  }
  // Cap'n Proto reads words in place and requires 8-byte alignment; RocksDB values carry none.
  // The aligned copy goes to a buffer each thread reuses: a replay decodes millions of events,
  // and allocating and freeing one per event was a visible part of the reader thread's time.
  thread_local kj::Array<capnp::word> scratch;
  if (scratch.size() < words) scratch = kj::heapArray<capnp::word>(std::max<size_t>(words, 512));
  std::memcpy(scratch.begin(), bytes.data() + kFrameHeaderBytes, words * 8);
  kj::ArrayPtr<const capnp::word> segments[1] = {scratch.slice(0, words)};

  try {
    capnp::ReaderOptions reader_options;
    reader_options.traversalLimitInWords = words * 4 + 64;
    capnp::SegmentArrayMessageReader message(kj::arrayPtr(segments, 1), reader_options);
    auto root = message.getRoot<s::Event>();
    e.seq = Seq(root.getSeq());
    e.stream = ReadStream(root.getStream());
    e.version = Version(root.getVersion());
    auto id = root.getEventId();
    if (id.size() != e.event_id.bytes.size()) {
      return Status::DataLoss(fmt::format("event id of {} bytes, want 16", id.size()));
    }
    std::memcpy(e.event_id.bytes.data(), id.begin(), id.size());
    e.occurred_at = root.getOccurredAt();
    e.recorded_at = root.getRecordedAt();
    if (options.omit_narrative) {
      e.actor.clear();
      e.recorded_by.clear();
    } else {
      AssignText(e.actor, root.getActor());
      AssignText(e.recorded_by, root.getRecordedBy());
    }
    ReadPayloadInto(root.getPayload(), options.omit_narrative, e.payload);
    e.personal = PersonalData::kClear;  // as stored; the log opens or marks them (event_log.h)
    // Cap'n Proto's isCanonical() accepts stray bits in unused data and padding; comparing with
    // a fresh encoding accepts exactly one byte string per event.
    if (options.require_canonical && EncodeEvent(e) != bytes) {
      return Status::DataLoss("the bytes are not the canonical encoding of the event");
    }
    return Status::Ok();
  } catch (const kj::Exception& ex) {
    return Status::DataLoss(fmt::format("malformed message: {}", ex.getDescription().cStr()));
  } catch (const std::exception& ex) {
    return Status::DataLoss(ex.what());
  }
}

}  // namespace tl::ledger
