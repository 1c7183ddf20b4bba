#include "tools/import/mapping.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <sstream>

namespace tl::tools::import {
namespace {

namespace json = boost::json;

// Reading a JSON object with the keys it may have; any other key is a mistake in the file
// (a typo would otherwise silently change the import).
class ObjectReader {
 public:
  ObjectReader(const json::object& o, std::string where) : o_(o), where_(std::move(where)) {}

  Status CheckKeys(std::initializer_list<std::string_view> allowed) const {
    for (const auto& kv : o_) {
      bool known = false;
      for (std::string_view a : allowed) known = known || kv.key() == a;
      if (!known) return Status::BadField(fmt::format("{}: unknown key \"{}\"", where_, kv.key()));
    }
    return Status::Ok();
  }
  const json::value* Find(std::string_view key) const { return o_.if_contains(key); }

  Result<std::string> String(std::string_view key, bool required) const {
    const json::value* v = Find(key);
    if (v == nullptr) {
      if (required) return Status::MissingField(fmt::format("{}: \"{}\" is required", where_, key));
      return std::string();
    }
    if (!v->is_string()) return Status::BadField(fmt::format("{}.{}: a string", where_, key));
    return std::string(v->as_string());
  }
  Result<std::vector<std::string>> Strings(std::string_view key) const {
    std::vector<std::string> out;
    const json::value* v = Find(key);
    if (v == nullptr) return out;
    if (v->is_string()) {
      out.emplace_back(v->as_string());
      return out;
    }
    if (!v->is_array()) {
      return Status::BadField(fmt::format("{}.{}: a string or a list of strings", where_, key));
    }
    for (const json::value& item : v->as_array()) {
      if (!item.is_string()) {
        return Status::BadField(fmt::format("{}.{}: a list of strings", where_, key));
      }
      out.emplace_back(item.as_string());
    }
    return out;
  }
  const std::string& where() const { return where_; }

 private:
  const json::object& o_;
  std::string where_;
};

Result<const json::object*> AsObject(const json::value& v, std::string_view where) {
  if (!v.is_object()) return Status::BadField(fmt::format("{}: a JSON object", where));
  return &v.as_object();
}

// A field: "column", or {"column"|"columns"|"constant", "join", "map", "default"}.
Result<FieldSpec> ParseField(const json::value* v, std::string_view name) {
  FieldSpec spec;
  if (v == nullptr) return spec;
  if (v->is_string()) {
    spec.columns.emplace_back(v->as_string());
    return spec;
  }
  TL_ASSIGN_OR_RETURN(const json::object* o, AsObject(*v, name));
  ObjectReader r(*o, std::string(name));
  TL_RETURN_IF_ERROR(r.CheckKeys({"column", "columns", "join", "constant", "map", "default"}));
  TL_ASSIGN_OR_RETURN(auto column, r.Strings("column"));
  TL_ASSIGN_OR_RETURN(auto columns, r.Strings("columns"));
  spec.columns = column;
  spec.columns.insert(spec.columns.end(), columns.begin(), columns.end());
  if (const json::value* c = r.Find("constant")) {
    if (!c->is_string()) return Status::BadField(fmt::format("{}.constant: a string", name));
    spec.constant = std::string(c->as_string());
  }
  if (spec.constant && !spec.columns.empty()) {
    return Status::BadField(fmt::format("{}: a constant or columns, not both", name));
  }
  if (const json::value* j = r.Find("join")) {
    if (!j->is_bool()) return Status::BadField(fmt::format("{}.join: true or false", name));
    spec.join = j->as_bool();
  }
  if (const json::value* m = r.Find("map")) {
    TL_ASSIGN_OR_RETURN(const json::object* mo, AsObject(*m, fmt::format("{}.map", name)));
    for (const auto& kv : *mo) {
      if (!kv.value().is_string()) {
        return Status::BadField(fmt::format("{}.map.{}: a string", name, kv.key()));
      }
      spec.map.emplace(std::string(kv.key()), std::string(kv.value().as_string()));
    }
  }
  TL_ASSIGN_OR_RETURN(spec.fallback, r.String("default", false));
  return spec;
}

Result<TargetStatus> ParseTargetStatus(std::string_view s, std::string_view where) {
  if (s == "keep") return TargetStatus::kKeep;
  if (s == "active") return TargetStatus::kActive;
  if (s == "open") return TargetStatus::kOpen;
  if (s == "stalled") return TargetStatus::kStalled;
  if (s == "resolved") return TargetStatus::kResolved;
  if (s == "comment") return TargetStatus::kComment;
  return Status::BadField(fmt::format(
      "{}.status: \"{}\" is not keep, active, open, stalled, resolved or comment", where, s));
}

Result<OwnerSource> ParseOwnerSource(std::string_view s, std::string_view where) {
  if (s == "keep") return OwnerSource::kKeep;
  if (s == "actor") return OwnerSource::kActor;
  if (s == "column") return OwnerSource::kColumn;
  if (s == "none") return OwnerSource::kNone;
  return Status::BadField(
      fmt::format("{}.owner: \"{}\" is not keep, actor, column or none", where, s));
}

Result<ActivityRule> ParseRule(const json::value& v, const std::string& where,
                               OwnerSource default_owner) {
  TL_ASSIGN_OR_RETURN(const json::object* o, AsObject(v, where));
  ObjectReader r(*o, where);
  TL_RETURN_IF_ERROR(r.CheckKeys({"status", "owner", "queue", "awaiting", "skip", "note"}));
  ActivityRule rule;
  rule.owner = default_owner;
  TL_ASSIGN_OR_RETURN(rule.skip, r.String("skip", false));
  TL_ASSIGN_OR_RETURN(std::string status, r.String("status", rule.skip.empty()));
  if (!status.empty()) {
    TL_ASSIGN_OR_RETURN(rule.status, ParseTargetStatus(status, where));
  }
  TL_ASSIGN_OR_RETURN(std::string owner, r.String("owner", false));
  if (!owner.empty()) {
    TL_ASSIGN_OR_RETURN(rule.owner, ParseOwnerSource(owner, where));
  }
  if (const json::value* q = r.Find("queue")) {
    if (!q->is_bool()) return Status::BadField(fmt::format("{}.queue: true or false", where));
    rule.takes_queue = q->as_bool();
  }
  TL_ASSIGN_OR_RETURN(rule.awaiting, r.String("awaiting", false));
  if (!rule.awaiting.empty() && rule.status != TargetStatus::kStalled) {
    return Status::BadField(fmt::format("{}: \"awaiting\" only with status stalled", where));
  }
  return rule;
}

Status CheckEnumValues(const FieldSpec& spec, std::string_view name,
                       bool (*valid)(std::string_view)) {
  auto check = [&](const std::string& value, std::string_view what) -> Status {
    if (valid(value)) return Status::Ok();
    return Status::BadField(
        fmt::format("{}: {} \"{}\" is not a ledger {}", name, what, value, name));
  };
  if (spec.constant) TL_RETURN_IF_ERROR(check(*spec.constant, "constant"));
  for (const auto& [from, to] : spec.map) TL_RETURN_IF_ERROR(check(to, "mapped value"));
  if (!spec.constant) TL_RETURN_IF_ERROR(check(spec.fallback, "default"));
  return Status::Ok();
}

}  // namespace

std::vector<std::string> Mapping::ReadColumns() const {
  std::vector<std::string> out{case_column, time_column};
  out.insert(out.end(), order_by.begin(), order_by.end());
  out.insert(out.end(), activity_columns.begin(), activity_columns.end());
  for (const FieldSpec* f : {&actor, &opened_by, &owner, &queue, &service, &category, &description,
                             &requester, &channel}) {
    out.insert(out.end(), f->columns.begin(), f->columns.end());
  }
  return out;
}

Result<Mapping> ParseMapping(std::string_view json_text) {
  json::parse_options options;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  boost::system::error_code ec;
  json::value root = json::parse(json_text, ec, {}, options);
  if (ec) return Status::BadField(fmt::format("the mapping is not valid JSON: {}", ec.message()));
  TL_ASSIGN_OR_RETURN(const json::object* top, AsObject(root, "mapping"));
  ObjectReader r(*top, "mapping");
  TL_RETURN_IF_ERROR(r.CheckKeys({"source",
                                  "about",
                                  "mode",
                                  "csv",
                                  "case",
                                  "timestamp",
                                  "order_by",
                                  "activity",
                                  "actor",
                                  "opened_by",
                                  "owner",
                                  "queue",
                                  "service",
                                  "category",
                                  "description",
                                  "requester",
                                  "channel",
                                  "missing_values",
                                  "first_line_queues",
                                  "leaking_columns",
                                  "activities"}));
  Mapping m;
  TL_ASSIGN_OR_RETURN(m.source, r.String("source", true));
  TL_ASSIGN_OR_RETURN(std::string mode, r.String("mode", true));
  if (mode == "event") {
    m.mode = Mode::kEvent;
  } else if (mode == "snapshot") {
    m.mode = Mode::kSnapshot;
  } else {
    return Status::BadField(fmt::format("mapping.mode: \"{}\" is not event or snapshot", mode));
  }
  if (const json::value* csv = r.Find("csv")) {
    TL_ASSIGN_OR_RETURN(const json::object* co, AsObject(*csv, "csv"));
    ObjectReader cr(*co, "csv");
    TL_RETURN_IF_ERROR(cr.CheckKeys({"delimiter"}));
    TL_ASSIGN_OR_RETURN(std::string delimiter, cr.String("delimiter", false));
    if (delimiter.size() > 1) return Status::BadField("csv.delimiter: one character");
    if (delimiter.size() == 1) m.delimiter = delimiter[0];
  }
  TL_ASSIGN_OR_RETURN(m.case_column, r.String("case", true));

  const json::value* ts = r.Find("timestamp");
  if (ts == nullptr) return Status::MissingField("mapping: \"timestamp\" is required");
  TL_ASSIGN_OR_RETURN(const json::object* tso, AsObject(*ts, "timestamp"));
  ObjectReader tr(*tso, "timestamp");
  TL_RETURN_IF_ERROR(tr.CheckKeys({"column", "format", "zone"}));
  TL_ASSIGN_OR_RETURN(m.time_column, tr.String("column", true));
  TL_ASSIGN_OR_RETURN(std::string format, tr.String("format", true));
  TL_ASSIGN_OR_RETURN(std::string zone, tr.String("zone", false));
  auto parser = TimestampParser::Create(format, zone);
  if (!parser.ok()) return parser.status().WithContext("timestamp");
  m.time = *parser;
  TL_ASSIGN_OR_RETURN(m.order_by, r.Strings("order_by"));

  const json::value* activity = r.Find("activity");
  if (activity == nullptr) return Status::MissingField("mapping: \"activity\" is required");
  if (activity->is_object()) {
    ObjectReader ar(activity->as_object(), "activity");
    TL_RETURN_IF_ERROR(ar.CheckKeys({"columns", "separator"}));
    TL_ASSIGN_OR_RETURN(m.activity_columns, ar.Strings("columns"));
    if (ar.Find("separator")) {
      TL_ASSIGN_OR_RETURN(m.activity_separator, ar.String("separator", true));
    }
  } else {
    TL_ASSIGN_OR_RETURN(m.activity_columns, r.Strings("activity"));
  }
  if (m.activity_columns.empty()) return Status::MissingField("activity: at least one column");

  TL_ASSIGN_OR_RETURN(m.actor, ParseField(r.Find("actor"), "actor"));
  TL_ASSIGN_OR_RETURN(m.opened_by, ParseField(r.Find("opened_by"), "opened_by"));
  TL_ASSIGN_OR_RETURN(m.owner, ParseField(r.Find("owner"), "owner"));
  TL_ASSIGN_OR_RETURN(m.queue, ParseField(r.Find("queue"), "queue"));
  TL_ASSIGN_OR_RETURN(m.service, ParseField(r.Find("service"), "service"));
  TL_ASSIGN_OR_RETURN(m.category, ParseField(r.Find("category"), "category"));
  TL_ASSIGN_OR_RETURN(m.description, ParseField(r.Find("description"), "description"));
  TL_ASSIGN_OR_RETURN(m.requester, ParseField(r.Find("requester"), "requester"));
  TL_ASSIGN_OR_RETURN(m.channel, ParseField(r.Find("channel"), "channel"));
  if (!m.actor.defined()) return Status::MissingField("mapping: \"actor\" is required");
  // Events always name someone; a row without a person is recorded as done by "(unknown)"
  // (and never makes "(unknown)" an owner: see SourceRow::actor_recorded).
  if (!m.actor.constant && m.actor.fallback.empty()) m.actor.fallback = "(unknown)";
  for (auto [spec, name] : {std::pair{&m.queue, "queue"}, {&m.service, "service"}}) {
    if (!spec->defined())
      return Status::MissingField(fmt::format("mapping: \"{}\" is required", name));
    if (!spec->constant && spec->fallback.empty()) {
      return Status::MissingField(fmt::format(
          "{}: a \"default\" is required (a ticket always has one; used while the source has "
          "none)",
          name));
    }
  }
  if (!m.category.defined()) m.category.constant = "support";
  if (!m.channel.defined()) m.channel.constant = "email";
  if (!m.category.constant && m.category.fallback.empty()) m.category.fallback = "support";
  if (!m.channel.constant && m.channel.fallback.empty()) m.channel.fallback = "email";
  TL_RETURN_IF_ERROR(CheckEnumValues(m.category, "category", [](std::string_view v) {
    return ledger::ParseCategory(v).has_value();
  }));
  TL_RETURN_IF_ERROR(CheckEnumValues(m.channel, "channel", [](std::string_view v) {
    return ledger::ParseChannel(v).has_value();
  }));

  TL_ASSIGN_OR_RETURN(auto missing, r.Strings("missing_values"));
  m.missing_values.insert(missing.begin(), missing.end());
  m.missing_values.insert("");
  TL_ASSIGN_OR_RETURN(auto first_line, r.Strings("first_line_queues"));
  m.first_line_queues.insert(first_line.begin(), first_line.end());

  if (const json::value* leaking = r.Find("leaking_columns")) {
    TL_ASSIGN_OR_RETURN(const json::object* lo, AsObject(*leaking, "leaking_columns"));
    for (const auto& kv : *lo) {
      if (!kv.value().is_string()) {
        return Status::BadField(fmt::format("leaking_columns.{}: a string (why)", kv.key()));
      }
      m.leaking_columns.emplace(std::string(kv.key()), std::string(kv.value().as_string()));
    }
  }

  const OwnerSource default_owner =
      m.mode == Mode::kSnapshot && m.owner.defined() ? OwnerSource::kColumn : OwnerSource::kKeep;
  const json::value* activities = r.Find("activities");
  if (activities == nullptr) return Status::MissingField("mapping: \"activities\" is required");
  TL_ASSIGN_OR_RETURN(const json::object* ao, AsObject(*activities, "activities"));
  for (const auto& kv : *ao) {
    const std::string where = fmt::format("activities.\"{}\"", std::string_view(kv.key()));
    TL_ASSIGN_OR_RETURN(ActivityRule rule, ParseRule(kv.value(), where, default_owner));
    if (rule.owner == OwnerSource::kColumn && !m.owner.defined()) {
      return Status::BadField(fmt::format("{}: owner \"column\" needs an \"owner\" column", where));
    }
    m.activities.emplace(std::string(kv.key()), std::move(rule));
  }
  if (m.activities.empty()) return Status::MissingField("activities: at least one");

  for (const std::string& column : m.ReadColumns()) {
    if (auto it = m.leaking_columns.find(column); it != m.leaking_columns.end()) {
      return Status::BadField(
          fmt::format("the mapping reads \"{}\", which it lists as leaking future values ({})",
                      column, it->second));
    }
  }
  return m;
}

Result<Mapping> LoadMapping(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Unavailable(fmt::format("cannot read the mapping {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  auto mapping = ParseMapping(text.str());
  if (!mapping.ok()) return mapping.status().WithContext(path);
  return mapping;
}

}  // namespace tl::tools::import
