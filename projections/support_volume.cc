#include "projections/support_volume.h"

#include <algorithm>

#include "ledger/domain/time_format.h"
#include "projections/model_support.h"
#include "projections/period_cells.h"
#include "projections/ticket_index.h"

namespace tl::projections {

namespace {

constexpr size_t kTopKeywords = 10;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Lower-cases ASCII and the Latin-1 capitals U+00C0..U+00DE (except U+00D7, the multiplication
// sign), which UTF-8 writes as 0xC3 0x80..0x9E: enough for Norwegian descriptions without a
// Unicode library. Into `out`, whose buffer is reused.
void LowerCaseInto(std::string_view s, std::string& out) {
  out.assign(s);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const auto next = static_cast<unsigned char>(out[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) out[i + 1] = static_cast<char>(next + 32);
      ++i;
    }
  }
}

// Calls `take` with each term of a description (split at ',' and ';', trimmed, lower-cased),
// duplicates included; the view is valid during the call only.
template <typename Take>
void ForEachTerm(std::string_view description, Take&& take) {
  std::string lowered;
  size_t start = 0;
  while (start <= description.size()) {
    // A plain loop: find_first_of tests each character with a call (callgrind).
    size_t end = start;
    while (end < description.size() && description[end] != ',' && description[end] != ';') ++end;
    std::string_view term = description.substr(start, end - start);
    while (!term.empty() && IsSpace(term.front())) term.remove_prefix(1);
    while (!term.empty() && IsSpace(term.back())) term.remove_suffix(1);
    if (!term.empty()) {
      LowerCaseInto(term, lowered);
      take(std::string_view(lowered));
    }
    start = end + 1;
  }
}

// The entry of keyword `k` in sorted `entries`, searched from `from` on, added with count 0 when
// missing.
template <class Entries>
typename Entries::iterator EntryFor(Entries& entries, typename Entries::iterator from, NameId k) {
  auto it = std::lower_bound(from, entries.end(), k,
                             [](const auto& entry, NameId id) { return entry.first < id; });
  if (it == entries.end() || it->first != k) it = entries.insert(it, {k, 0});
  return it;
}

}  // namespace

std::vector<std::string> DescriptionKeywords(std::string_view description) {
  std::vector<std::string> keywords;
  ForEachTerm(description, [&](std::string_view term) { keywords.emplace_back(term); });
  std::sort(keywords.begin(), keywords.end());
  keywords.erase(std::unique(keywords.begin(), keywords.end()), keywords.end());
  return keywords;
}

namespace {

class SupportVolume : public ReadModel {
 public:
  explicit SupportVolume(Names& names) : names_(names) {}
  std::string_view name() const override { return "volume"; }
  uint32_t version() const override { return 1; }
  void Apply(const Change& change) override;
  void Encode(CheckpointWriter& out) const override;
  void Decode(CheckpointReader& in) override;

  using Report = VolumeReport;
  Report Query(const ReportParams& params, const ReportScope& scope) const;

 private:
  using Keywords = std::vector<NameId>;  // sorted, distinct
  struct Cell {
    uint64_t tickets = 0;
    // Sorted by id, counts above zero. A flat vector, not a map: a ticket moving between
    // groups takes its keywords out of one cell and into another, and map nodes made that an
    // allocation and a free per keyword and period (callgrind).
    std::vector<std::pair<NameId, uint64_t>> keywords;
    void Add(const Keywords& c, int sign);
    void Merge(const Cell& other);
    bool empty() const { return tickets == 0; }
  };

  // The keywords of recently seen descriptions, so that a ticket moving between groups does not
  // split, lower-case and intern its description again (that was half of this model's cost).
  // Direct-mapped and fixed in size, so its memory does not grow with the history. A pure
  // cache: the ids it holds are the ones interning would give.
  class KeywordCache {
   public:
    const Keywords& Get(std::string_view description, Names& names);

   private:
    struct Slot {
      std::string description;
      Keywords keywords;
      bool filled = false;
    };
    static constexpr size_t kSlots = 4096;
    std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
  };

  Names& names_;
  PeriodCells<Cell> cells_;
  KeywordCache keyword_cache_;
  Keywords before_keywords_;  // scratch: a second lookup may evict the first one's slot
};

using ledger::TicketState;

// The same set as DescriptionKeywords, interned and sorted by id: without a string per keyword.
const SupportVolume::Keywords& SupportVolume::KeywordCache::Get(std::string_view description,
                                                                Names& names) {
  Slot& slot = slots_[std::hash<std::string_view>{}(description) % kSlots];
  if (slot.filled && slot.description == description) return slot.keywords;
  slot.description.assign(description);
  slot.keywords.clear();
  ForEachTerm(description,
              [&](std::string_view term) { slot.keywords.push_back(names.Intern(term)); });
  std::sort(slot.keywords.begin(), slot.keywords.end());
  slot.keywords.erase(std::unique(slot.keywords.begin(), slot.keywords.end()), slot.keywords.end());
  slot.filled = true;
  return slot.keywords;
}

void SupportVolume::Cell::Add(const Keywords& c, int sign) {
  tickets += sign;
  auto it = keywords.begin();
  for (NameId k : c) {  // both sorted: one merging walk
    it = EntryFor(keywords, it, k);
    it->second += sign;
    it = it->second == 0 ? keywords.erase(it) : it + 1;
  }
}

void SupportVolume::Cell::Merge(const Cell& other) {
  tickets += other.tickets;
  auto it = keywords.begin();
  for (const auto& [k, n] : other.keywords) {  // both sorted, likewise
    it = EntryFor(keywords, it, k);
    it->second += n;
    ++it;
  }
}

void SupportVolume::Apply(const Change& change) {
  if (!change.after) return;
  const TicketState& before = *change.before;
  const TicketState& after = *change.after;
  const GroupKey key = Narrow(change.after_group);
  if (!before.exists()) {
    cells_.Add(after.created_at, key, keyword_cache_.Get(after.description, names_), +1);
    return;
  }
  const GroupKey old_key = Narrow(change.before_group);
  const bool same_description =
      !change.description_changed || before.description == after.description;
  if (old_key == key && same_description) return;
  if (same_description) {
    const Keywords& keywords = keyword_cache_.Get(after.description, names_);
    cells_.Replace(after.created_at, old_key, keywords, key, keywords);
    return;
  }
  before_keywords_ = keyword_cache_.Get(before.description, names_);
  cells_.Replace(after.created_at, old_key, before_keywords_, key,
                 keyword_cache_.Get(after.description, names_));
}

void SupportVolume::Encode(CheckpointWriter& out) const {
  cells_.Encode(out, names_, [this](CheckpointWriter& w, const Cell& cell) {
    w.PutVarint(cell.tickets);
    std::vector<std::pair<const std::string*, uint64_t>> sorted;
    for (const auto& [k, n] : cell.keywords) sorted.emplace_back(&names_.Get(k), n);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return *a.first < *b.first; });
    w.PutVarint(sorted.size());
    for (const auto& [k, n] : sorted) {
      w.PutString(*k);
      w.PutVarint(n);
    }
  });
}

void SupportVolume::Decode(CheckpointReader& in) {
  cells_.Decode(in, names_, [this](CheckpointReader& r) {
    Cell cell;
    cell.tickets = r.GetVarint();
    const uint64_t n = r.GetCount();
    for (uint64_t i = 0; i < n && r.status().ok(); ++i) {
      const NameId k = names_.Intern(r.GetString());
      const uint64_t count = r.GetVarint();
      if (count == 0 || count > cell.tickets) r.Fail("keyword count out of range");
      cell.keywords.emplace_back(k, count);
    }
    std::sort(cell.keywords.begin(), cell.keywords.end());
    if (std::adjacent_find(cell.keywords.begin(), cell.keywords.end(), [](auto& a, auto& b) {
          return a.first == b.first;
        }) != cell.keywords.end()) {
      r.Fail("a keyword twice in a volume cell");
    }
    if (cell.tickets == 0) r.Fail("empty volume cell");
    return cell;
  });
}

VolumeReport SupportVolume::Query(const ReportParams& p, const ReportScope& scope) const {
  const TicketIndex& tickets = scope.tickets;
  struct Group {
    uint64_t total = 0;
    std::map<std::string, uint64_t> by_interval;
    std::map<std::string, uint64_t> keywords;  // by keyword: ties then sort in code-point order
  };
  std::map<std::string, Group> groups;
  auto interval_key = [&](ledger::TimeNs t) {
    switch (p.interval) {
      case Interval::kDay:
        return ledger::DayKey(t);
      case Interval::kWeek:
        return ledger::IsoWeekKey(t);
      case Interval::kMonth:
        break;
    }
    return ledger::MonthKey(t);
  };
  auto wanted = [&](ledger::Category c) { return !p.category || *p.category == c; };
  auto partial_tickets = [&](int64_t day, auto&& fold) {
    for (ledger::TicketId id : tickets.CreatedOn(day)) {
      const TicketState& t = *tickets.Find(id);
      if (p.window.Contains(t.created_at) && wanted(t.category)) fold(t);
    }
  };

  // Counts by interval from day cells (a month cell cannot say which week its tickets fall in);
  // keywords from month cells where the window covers whole months.
  cells_.Visit(
      p.window, Granularity::kDay,
      [&](int64_t day, const GroupKey& key, const Cell& cell) {
        if (!wanted(key.category)) return;
        Group& g = groups[GroupName(p.group_by, key, names_, day)];
        g.total += cell.tickets;
        g.by_interval[interval_key(StartOfDay(day))] += cell.tickets;
      },
      [&](int64_t day) {
        partial_tickets(day, [&](const TicketState& t) {
          Group& g = groups[GroupName(p.group_by, t)];
          ++g.total;
          ++g.by_interval[interval_key(t.created_at)];
        });
      });
  cells_.Visit(
      p.window, Granularity::kMonth,
      [&](int64_t first_day, const GroupKey& key, const Cell& cell) {
        if (!wanted(key.category)) return;
        Group& g = groups[GroupName(p.group_by, key, names_, first_day)];
        for (const auto& [k, n] : cell.keywords) g.keywords[names_.Get(k)] += n;
      },
      [&](int64_t day) {
        partial_tickets(day, [&](const TicketState& t) {
          Group& g = groups[GroupName(p.group_by, t)];
          for (std::string& k : DescriptionKeywords(t.description)) ++g.keywords[std::move(k)];
        });
      });

  VolumeReport out;
  for (auto& [key, g] : groups) {
    std::vector<std::pair<std::string, uint64_t>> top(g.keywords.begin(), g.keywords.end());
    const size_t n = std::min(top.size(), kTopKeywords);
    // Stable: equal counts keep the map's code-point order.
    std::stable_sort(top.begin(), top.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    VolumeReport::Group& group =
        out.groups.emplace_back(VolumeReport::Group{key, g.total, std::move(g.by_interval), {}});
    for (size_t i = 0; i < n; ++i) {
      group.top_keywords.push_back({std::move(top[i].first), top[i].second});
    }
  }
  return out;
}

}  // namespace

void RegisterSupportVolume(ModelRegistry& registry) { registry.Register<SupportVolume>(); }

}  // namespace tl::projections
