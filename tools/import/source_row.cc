#include "tools/import/source_row.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <numeric>

namespace tl::tools::import {
namespace {

// The namespace of every id the importer derives (EventId::FromName's space).
constexpr std::string_view kRowSpace = "ticketledger.import.row";

int Position(const std::vector<std::string>& names, const std::string& column) {
  auto it = std::find(names.begin(), names.end(), column);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

std::vector<int> Positions(const std::vector<std::string>& names,
                           const std::vector<std::string>& columns) {
  std::vector<int> out;
  out.reserve(columns.size());
  for (const auto& c : columns) out.push_back(Position(names, c));
  return out;
}

}  // namespace

void RowProjector::Compile(const Record& record) {
  const auto& names = *record.names;
  compiled_schema_ = record.schema;
  case_pos_ = Position(names, mapping_.case_column);
  time_pos_ = Position(names, mapping_.time_column);
  order_pos_ = Positions(names, mapping_.order_by);
  activity_pos_ = Positions(names, mapping_.activity_columns);
  actor_pos_ = Positions(names, mapping_.actor.columns);
  opened_by_pos_ = Positions(names, mapping_.opened_by.columns);
  owner_pos_ = Positions(names, mapping_.owner.columns);
  queue_pos_ = Positions(names, mapping_.queue.columns);
  service_pos_ = Positions(names, mapping_.service.columns);
  category_pos_ = Positions(names, mapping_.category.columns);
  description_pos_ = Positions(names, mapping_.description.columns);
  requester_pos_ = Positions(names, mapping_.requester.columns);
  channel_pos_ = Positions(names, mapping_.channel.columns);
  by_name_.resize(names.size());
  std::iota(by_name_.begin(), by_name_.end(), size_t{0});
  std::stable_sort(by_name_.begin(), by_name_.end(),
                   [&](size_t a, size_t b) { return names[a] < names[b]; });
}

std::vector<std::string> RowProjector::MissingColumns(const Record& record) const {
  std::vector<std::string> missing;
  for (const std::string& column : mapping_.ReadColumns()) {
    if (Position(*record.names, column) < 0 &&
        std::find(missing.begin(), missing.end(), column) == missing.end()) {
      missing.push_back(column);
    }
  }
  return missing;
}

std::string RowProjector::Value(const FieldSpec& spec, const Record& record,
                                const std::vector<int>& positions) const {
  std::string value;
  if (spec.constant) {
    value = *spec.constant;
  } else {
    for (int p : positions) {
      if (p < 0) continue;
      std::string_view v = record.values[p];
      if (mapping_.missing_values.contains(v)) continue;
      if (!value.empty()) value += ", ";
      value += v;
      if (!spec.join) break;
    }
  }
  if (!spec.map.empty()) {
    if (auto it = spec.map.find(value); it != spec.map.end()) value = it->second;
  }
  return value;
}

SourceRow RowProjector::Project(const Record& record) {
  if (record.schema != compiled_schema_) Compile(record);
  const auto& names = *record.names;
  SourceRow row;
  row.ordinal = record.ordinal;

  canonical_.assign(mapping_.source);
  canonical_.push_back('\n');
  for (size_t i : by_name_) {
    if (record.values[i].empty()) continue;
    canonical_ += names[i];
    canonical_.push_back('\x1f');
    canonical_ += record.values[i];
    canonical_.push_back('\x1e');
  }
  row.id = ledger::EventId::FromName(kRowSpace, canonical_);

  auto get = [&](int pos) -> std::string_view {
    if (pos < 0) return {};
    std::string_view v = record.values[pos];
    return mapping_.missing_values.contains(v) ? std::string_view() : v;
  };
  row.case_id = std::string(get(case_pos_));
  if (!record.malformed.empty()) {
    row.problem = "malformed row: " + record.malformed;
  } else if (row.case_id.empty()) {
    row.problem = "no case id";
  }
  std::string_view time_text = get(time_pos_);
  if (row.problem.empty()) {
    if (time_text.empty()) {
      row.problem = "no timestamp";
    } else {
      auto t = mapping_.time.Parse(time_text);
      if (t.ok()) {
        row.time = *t;
        // Rows are appended in time order, so time-prefixed ids keep the event-id index's
        // inserts near its end. Equal rows still get equal ids: the time is part of the row.
        row.id = row.id.WithTimePrefix(row.time / ledger::kNanosPerMilli);
      } else {
        row.problem = "bad timestamp";
      }
    }
  }
  for (int p : order_pos_) {
    std::string_view v = get(p);
    int64_t n = std::numeric_limits<int64_t>::min();
    std::from_chars(v.data(), v.data() + v.size(), n);
    row.order.push_back(n);
  }
  for (size_t i = 0; i < activity_pos_.size(); ++i) {
    if (i > 0) row.activity += mapping_.activity_separator;
    row.activity += get(activity_pos_[i]);
  }
  row.actor = Value(mapping_.actor, record, actor_pos_);
  row.actor_recorded = !row.actor.empty() && !mapping_.actor.constant;
  if (row.actor.empty()) row.actor = mapping_.actor.fallback;
  row.opened_by = Value(mapping_.opened_by, record, opened_by_pos_);
  row.owner = Value(mapping_.owner, record, owner_pos_);
  row.queue = Value(mapping_.queue, record, queue_pos_);
  row.service = Value(mapping_.service, record, service_pos_);
  row.description = Value(mapping_.description, record, description_pos_);
  row.requester = Value(mapping_.requester, record, requester_pos_);
  // A value the ledger does not know counts as not recorded (the mapping's default applies).
  if (std::string c = Value(mapping_.category, record, category_pos_); !c.empty()) {
    row.category = ledger::ParseCategory(c);
  }
  if (std::string c = Value(mapping_.channel, record, channel_pos_); !c.empty()) {
    row.channel = ledger::ParseChannel(c);
  }
  return row;
}

}  // namespace tl::tools::import
