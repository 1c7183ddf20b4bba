#include "projections/ticket_codec.h"

namespace tl::projections {
namespace {

using namespace tl::ledger;

void PutOptionalTime(CheckpointWriter& out, const std::optional<TimeNs>& t) {
  out.PutBool(t.has_value());
  if (t) out.PutSigned(*t);
}

std::optional<TimeNs> GetOptionalTime(CheckpointReader& in) {
  if (!in.GetBool()) return std::nullopt;
  return in.GetSigned();
}

}  // namespace

void EncodeTicketState(CheckpointWriter& out, const TicketState& t) {
  out.PutVarint(t.id.value());
  out.PutVarint(t.version.value());
  out.PutString(t.service);
  out.PutVarint(static_cast<uint64_t>(t.category));
  out.PutString(t.description);
  out.PutString(t.queue);
  out.PutString(t.owner);
  out.PutVarint(static_cast<uint64_t>(t.channel));
  out.PutString(t.external_ref);
  out.PutVarint(static_cast<uint64_t>(t.status));
  out.PutSigned(t.created_at);
  out.PutSigned(t.updated_at);
  PutOptionalTime(out, t.first_response_at);
  PutOptionalTime(out, t.resolved_at);
  out.PutBool(t.solution_given);
  out.PutBool(t.stalled.has_value());
  if (t.stalled) out.PutSigned(t.stalled->follow_up_at);
  out.PutVarint(t.parent.value());
  out.PutVarint(t.children.size());
  for (TicketId c : t.children) out.PutVarint(c.value());
  out.PutVarint(t.reopened);
  out.PutBool(t.feedback.has_value());
  if (t.feedback) {
    out.PutSigned(t.feedback->score);
  }
  out.PutSigned(t.status_since);
  out.PutSigned(t.active_ns);
  PutOptionalTime(out, t.resolution_ns);
  PutOptionalTime(out, t.last_resolved_at);
  PutOptionalTime(out, t.last_invited_at);
  out.PutBool(t.invited_since_resolution);
  out.PutBool(t.acknowledged);
  out.PutBool(t.erased);
  for (Seq seq : {t.text_seqs.opened, t.text_seqs.requester, t.text_seqs.subject,
                  t.text_seqs.stalled, t.text_seqs.resolved, t.text_seqs.feedback}) {
    out.PutVarint(seq.value());
  }
}

TicketState DecodeTicketState(CheckpointReader& in) {
  TicketState t;
  t.id = TicketId(in.GetVarint());
  t.version = Version(in.GetVarint());
  t.service = in.GetString();
  t.category = in.GetEnum(Category::kChange);
  t.description = in.GetString();
  t.queue = in.GetString();
  t.owner = in.GetString();
  t.channel = in.GetEnum(Channel::kWeb);
  t.external_ref = in.GetString();
  t.status = in.GetEnum(TicketStatus::kResolved);
  t.created_at = in.GetSigned();
  t.updated_at = in.GetSigned();
  t.first_response_at = GetOptionalTime(in);
  t.resolved_at = GetOptionalTime(in);
  t.solution_given = in.GetBool();
  if (in.GetBool()) t.stalled = StallInfo{in.GetSigned()};
  t.parent = TicketId(in.GetVarint());
  const uint64_t children = in.GetCount();
  for (uint64_t i = 0; i < children && in.status().ok(); ++i)
    t.children.push_back(TicketId(in.GetVarint()));
  t.reopened = static_cast<uint32_t>(in.GetVarint());
  if (in.GetBool()) {
    t.feedback = Feedback{static_cast<int32_t>(in.GetSigned())};
  }
  t.status_since = in.GetSigned();
  t.active_ns = in.GetSigned();
  t.resolution_ns = GetOptionalTime(in);
  t.last_resolved_at = GetOptionalTime(in);
  t.last_invited_at = GetOptionalTime(in);
  t.invited_since_resolution = in.GetBool();
  t.acknowledged = in.GetBool();
  t.erased = in.GetBool();
  for (Seq* seq : {&t.text_seqs.opened, &t.text_seqs.requester, &t.text_seqs.subject,
                   &t.text_seqs.stalled, &t.text_seqs.resolved, &t.text_seqs.feedback}) {
    *seq = Seq(in.GetVarint());
  }
  return t;
}

void EncodeReference(CheckpointWriter& out, const ReferenceData& r) {
  out.PutVarint(r.queues.size());
  for (const auto& [name, q] : r.queues) {
    out.PutString(name);
    out.PutVarint(q.members.size());
    for (const auto& m : q.members) out.PutString(m);
    out.PutBool(q.first_line);
    out.PutVarint(q.version.value());
  }
  out.PutVarint(r.services.size());
  for (const auto& [name, s] : r.services) {
    out.PutString(name);
    out.PutString(s.title);
    out.PutVarint(s.version.value());
  }
}

ReferenceData DecodeReference(CheckpointReader& in) {
  ReferenceData r;
  const uint64_t queues = in.GetCount();
  for (uint64_t i = 0; i < queues && in.status().ok(); ++i) {
    std::string name = in.GetString();
    QueueInfo q;
    const uint64_t members = in.GetCount();
    for (uint64_t j = 0; j < members && in.status().ok(); ++j) q.members.insert(in.GetString());
    q.first_line = in.GetBool();
    q.version = Version(in.GetVarint());
    r.queues.emplace(std::move(name), std::move(q));
  }
  const uint64_t services = in.GetCount();
  for (uint64_t i = 0; i < services && in.status().ok(); ++i) {
    std::string name = in.GetString();
    ServiceInfo s;
    s.title = in.GetString();
    s.version = Version(in.GetVarint());
    r.services.emplace(std::move(name), std::move(s));
  }
  return r;
}

}  // namespace tl::projections
