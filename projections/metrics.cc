#include "projections/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "projections/model_support.h"

namespace tl::projections {

using ledger::TicketState;

namespace {

// Label values escaped as the text format requires: backslash, double quote and line feed.
std::string Escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Header(std::string* out, std::string_view family, std::string_view help,
            std::string_view type) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family, help, family, type);
}

}  // namespace

void Metrics::Histogram::Observe(int64_t ns) {
  size_t bucket = 0;
  while (bucket < kBucketBounds.size() && ns > kBucketBounds[bucket] * ledger::kNanosPerSecond) {
    ++bucket;
  }
  ++buckets[bucket];
  sum.Add(ns, +1);
}

void Metrics::Apply(const Change& change) {
  ++events_total_;
  if (!change.after) return;
  const TicketState& before = *change.before;
  const TicketState& after = *change.after;
  const ledger::Event& e = change.event;
  if (const auto* opened = std::get_if<ledger::TicketOpened>(&e.payload)) {
    ++created_[{change.after_group.service, opened->category}];  // interned once, for all
    ++created_per_queue_[change.after_group.queue];
  } else if (std::holds_alternative<ledger::Replied>(e.payload) && !before.first_response_at) {
    first_response_[Narrow(change.before_group)].Observe(e.occurred_at - before.created_at);
  } else if (std::holds_alternative<ledger::Resolved>(e.payload) && after.resolution_ns) {
    resolution_[Narrow(change.before_group)].Observe(*after.resolution_ns);
  }
  const bool was = before.is_open(), is = after.is_open();
  if (was && is && before.status == after.status && before.service == after.service &&
      before.queue == after.queue) {
    return;
  }
  if (was) --open_[{change.before_group.service, change.before_group.queue, before.status}];
  if (is) ++open_[{change.after_group.service, change.after_group.queue, after.status}];
}

// The service and queue label values of a scrape: a value's own name when it is among the
// `top` most frequent by tickets created (ties by name, so the choice is a function of the
// counts), kOtherLabelValue otherwise.
class Metrics::Labeller {
 public:
  Labeller(const Metrics& m, size_t top) : names_(m.names_) {
    // Every value a series carries is ranked, those without tickets created (a queue tickets
    // were only moved to) last: with fewer values than `top`, none is folded.
    std::unordered_map<NameId, uint64_t> per_service, per_queue = m.created_per_queue_;
    for (const auto& [key, n] : m.created_) per_service[key.first] += n;
    for (const auto* series : {&m.first_response_, &m.resolution_}) {
      for (const auto& [key, h] : *series) {
        per_service.try_emplace(key.service, 0);
        per_queue.try_emplace(key.queue, 0);
      }
    }
    for (const auto& [key, n] : m.open_) {
      per_service.try_emplace(std::get<0>(key), 0);
      per_queue.try_emplace(std::get<1>(key), 0);
    }
    services_ = Top(per_service, top);
    queues_ = Top(per_queue, top);
  }
  std::string Service(NameId id) const { return Value(services_, id); }
  std::string Queue(NameId id) const { return Value(queues_, id); }

 private:
  std::unordered_set<NameId> Top(const std::unordered_map<NameId, uint64_t>& counts,
                                 size_t top) const {
    struct Ranked {
      uint64_t count;
      std::string_view name;
      NameId id;
    };
    std::vector<Ranked> ranked;
    for (const auto& [id, n] : counts) ranked.push_back({n, names_.Get(id), id});
    const size_t kept = std::min(top, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + kept, ranked.end(),
                      [](const Ranked& a, const Ranked& b) {
                        return a.count != b.count ? a.count > b.count : a.name < b.name;
                      });
    std::unordered_set<NameId> ids;
    for (size_t i = 0; i < kept; ++i) ids.insert(ranked[i].id);
    return ids;
  }
  std::string Value(const std::unordered_set<NameId>& kept, NameId id) const {
    return Escape(kept.contains(id) ? std::string_view(names_.Get(id)) : kOtherLabelValue);
  }

  const Names& names_;
  std::unordered_set<NameId> services_;
  std::unordered_set<NameId> queues_;
};

void Metrics::WriteHistogram(std::string* out, std::string_view family, std::string_view help,
                             const HistogramSeries& series, const Labeller& label) const {
  Header(out, family, help, "histogram");
  // Summed by label strings: the folded values meet in `other`, and the output is in label order.
  std::map<std::string, Histogram> summed;
  for (const auto& [k, h] : series) {
    Histogram& sum =
        summed[fmt::format("service=\"{}\",queue=\"{}\",category=\"{}\"", label.Service(k.service),
                           label.Queue(k.queue), ledger::CategoryName(k.category))];
    for (size_t i = 0; i < h.buckets.size(); ++i) sum.buckets[i] += h.buckets[i];
    sum.sum.Merge(h.sum);
  }
  for (const auto& [labels, h] : summed) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < h.buckets.size(); ++i) {
      cumulative += h.buckets[i];
      const std::string le =
          i < kBucketBounds.size() ? std::to_string(kBucketBounds[i]) : std::string("+Inf");
      *out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", family, labels, le, cumulative);
    }
    *out += fmt::format("{}_sum{{{}}} {}\n", family, labels, h.sum.Seconds());
    *out += fmt::format("{}_count{{{}}} {}\n", family, labels, cumulative);
  }
}

void Metrics::Write(std::string* out, size_t top_values) const {
  const Labeller label(*this, top_values);
  WriteHistogram(out, "ticketledger_first_response_seconds",
                 "Time from a ticket's creation to its first reply (the acknowledgement does not "
                 "count), observed at the reply.",
                 first_response_, label);
  WriteHistogram(out, "ticketledger_resolution_seconds",
                 "Time a ticket spent new or open before a resolution, observed at each "
                 "resolution.",
                 resolution_, label);

  Header(out, "ticketledger_tickets_open", "Tickets that are new, open or stalled.", "gauge");
  std::map<std::string, int64_t> open;
  for (const auto& [k, n] : open_) {
    open[fmt::format("service=\"{}\",queue=\"{}\",status=\"{}\"", label.Service(std::get<0>(k)),
                     label.Queue(std::get<1>(k)), ledger::StatusName(std::get<2>(k)))] += n;
  }
  for (const auto& [labels, n] : open) {
    // No series at zero: over years most (service, queue, status) combinations are empty, and
    // a scrape of every one of them grows without bound; a missing series reads as 0 in sum().
    if (n != 0) *out += fmt::format("ticketledger_tickets_open{{{}}} {}\n", labels, n);
  }

  Header(out, "ticketledger_tickets_created_total", "Tickets opened.", "counter");
  std::map<std::string, uint64_t> created;
  for (const auto& [k, n] : created_) {
    created[fmt::format("service=\"{}\",category=\"{}\"", label.Service(k.first),
                        ledger::CategoryName(k.second))] += n;
  }
  for (const auto& [labels, n] : created) {
    *out += fmt::format("ticketledger_tickets_created_total{{{}}} {}\n", labels, n);
  }

  Header(out, "ticketledger_events_total", "Events in the ledger.", "counter");
  *out += fmt::format("ticketledger_events_total {}\n", events_total_);
}

namespace {

// Checkpoint order: by label strings, so that interning order never shows in the bytes.
template <typename Entry>
void SortByStrings(std::vector<Entry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(*a.service, *a.queue, a.code) < std::tie(*b.service, *b.queue, b.code);
  });
}

template <typename Value>
struct Labelled {
  const std::string* service;
  const std::string* queue;
  int code;  // category or status
  const Value* value;
};

}  // namespace

void Metrics::Encode(CheckpointWriter& out) const {
  static const std::string kNone;
  for (const auto* series : {&first_response_, &resolution_}) {
    std::vector<Labelled<Histogram>> sorted;
    for (const auto& [k, h] : *series) {
      sorted.push_back(
          {&names_.Get(k.service), &names_.Get(k.queue), static_cast<int>(k.category), &h});
    }
    SortByStrings(sorted);
    out.PutVarint(sorted.size());
    for (const auto& e : sorted) {
      out.PutString(*e.service);
      out.PutString(*e.queue);
      out.PutVarint(static_cast<uint64_t>(e.code));
      for (uint64_t b : e.value->buckets) out.PutVarint(b);
      out.PutSigned(e.value->sum.seconds);
      out.PutSigned(e.value->sum.nanos);
    }
  }
  std::vector<Labelled<int64_t>> open;
  for (const auto& [k, n] : open_) {
    open.push_back({&names_.Get(std::get<0>(k)), &names_.Get(std::get<1>(k)),
                    static_cast<int>(std::get<2>(k)), &n});
  }
  SortByStrings(open);
  out.PutVarint(open.size());
  for (const auto& e : open) {
    out.PutString(*e.service);
    out.PutString(*e.queue);
    out.PutVarint(static_cast<uint64_t>(e.code));
    out.PutSigned(*e.value);
  }
  std::vector<Labelled<uint64_t>> created;
  for (const auto& [k, n] : created_) {
    created.push_back({&names_.Get(k.first), &kNone, static_cast<int>(k.second), &n});
  }
  SortByStrings(created);
  out.PutVarint(created.size());
  for (const auto& e : created) {
    out.PutString(*e.service);
    out.PutVarint(static_cast<uint64_t>(e.code));
    out.PutVarint(*e.value);
  }
  out.PutVarint(events_total_);
  std::vector<std::pair<const std::string*, uint64_t>> per_queue;
  for (const auto& [id, n] : created_per_queue_) per_queue.emplace_back(&names_.Get(id), n);
  std::sort(per_queue.begin(), per_queue.end(),
            [](const auto& a, const auto& b) { return *a.first < *b.first; });
  out.PutVarint(per_queue.size());
  for (const auto& [queue, n] : per_queue) {
    out.PutString(*queue);
    out.PutVarint(n);
  }
}

void Metrics::Decode(CheckpointReader& in) {
  for (auto* series : {&first_response_, &resolution_}) {
    const uint64_t n = in.GetCount();
    for (uint64_t i = 0; i < n && in.status().ok(); ++i) {
      GroupKey key;
      key.service = names_.Intern(in.GetString());
      key.queue = names_.Intern(in.GetString());
      key.category = in.GetEnum(ledger::Category::kChange);
      Histogram& h = (*series)[key];
      for (uint64_t& b : h.buckets) b = in.GetVarint();
      h.sum.seconds = in.GetSigned();
      h.sum.nanos = in.GetSigned();
    }
  }
  const uint64_t open = in.GetCount();
  for (uint64_t i = 0; i < open && in.status().ok(); ++i) {
    const NameId service = names_.Intern(in.GetString());
    const NameId queue = names_.Intern(in.GetString());
    const auto status = in.GetEnum(ledger::TicketStatus::kResolved);
    open_[{service, queue, status}] = in.GetSigned();
  }
  const uint64_t created = in.GetCount();
  for (uint64_t i = 0; i < created && in.status().ok(); ++i) {
    const NameId service = names_.Intern(in.GetString());
    const auto category = in.GetEnum(ledger::Category::kChange);
    created_[{service, category}] = in.GetVarint();
  }
  events_total_ = in.GetVarint();
  const uint64_t queues = in.GetCount();
  for (uint64_t i = 0; i < queues && in.status().ok(); ++i) {
    const NameId queue = names_.Intern(in.GetString());
    created_per_queue_[queue] = in.GetVarint();
  }
}

}  // namespace tl::projections
