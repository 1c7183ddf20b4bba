#include "projections/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>
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

// Entries of a map keyed by interned ids, in the order of their label strings.
template <typename Map, typename LabelsOf>
std::vector<std::pair<std::string, const typename Map::mapped_type*>> Sorted(const Map& map,
                                                                             LabelsOf labels_of) {
  std::vector<std::pair<std::string, const typename Map::mapped_type*>> sorted;
  for (const auto& [key, value] : map) sorted.emplace_back(labels_of(key), &value);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return sorted;
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

void Metrics::WriteHistogram(std::string* out, std::string_view family, std::string_view help,
                             const HistogramSeries& series) const {
  Header(out, family, help, "histogram");
  const auto sorted = Sorted(series, [&](const GroupKey& k) {
    return fmt::format("service=\"{}\",queue=\"{}\",category=\"{}\"", Escape(names_.Get(k.service)),
                       Escape(names_.Get(k.queue)), ledger::CategoryName(k.category));
  });
  for (const auto& [labels, h] : sorted) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < h->buckets.size(); ++i) {
      cumulative += h->buckets[i];
      const std::string le =
          i < kBucketBounds.size() ? std::to_string(kBucketBounds[i]) : std::string("+Inf");
      *out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", family, labels, le, cumulative);
    }
    *out += fmt::format("{}_sum{{{}}} {}\n", family, labels, h->sum.Seconds());
    *out += fmt::format("{}_count{{{}}} {}\n", family, labels, cumulative);
  }
}

void Metrics::Write(std::string* out) const {
  WriteHistogram(out, "ticketledger_first_response_seconds",
                 "Time from a ticket's creation to its first reply (the acknowledgement does not "
                 "count), observed at the reply.",
                 first_response_);
  WriteHistogram(out, "ticketledger_resolution_seconds",
                 "Time a ticket spent new or open before a resolution, observed at each "
                 "resolution.",
                 resolution_);

  Header(out, "ticketledger_tickets_open", "Tickets that are new, open or stalled.", "gauge");
  for (const auto& [labels, n] : Sorted(open_, [&](const OpenKey& k) {
         return fmt::format("service=\"{}\",queue=\"{}\",status=\"{}\"",
                            Escape(names_.Get(std::get<0>(k))), Escape(names_.Get(std::get<1>(k))),
                            ledger::StatusName(std::get<2>(k)));
       })) {
    // No series at zero: over years most (service, queue, status) combinations are empty, and
    // a scrape of every one of them grows without bound; a missing series reads as 0 in sum().
    if (*n != 0) *out += fmt::format("ticketledger_tickets_open{{{}}} {}\n", labels, *n);
  }

  Header(out, "ticketledger_tickets_created_total", "Tickets opened.", "counter");
  for (const auto& [labels, n] : Sorted(created_, [&](const CreatedKey& k) {
         return fmt::format("service=\"{}\",category=\"{}\"", Escape(names_.Get(k.first)),
                            ledger::CategoryName(k.second));
       })) {
    *out += fmt::format("ticketledger_tickets_created_total{{{}}} {}\n", labels, *n);
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
}

}  // namespace tl::projections
