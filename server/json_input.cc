#include "server/json_input.h"

#include <fmt/format.h>

#include <boost/json/parser.hpp>
#include <charconv>

#include "ledger/domain/time_format.h"
#include "ledger/domain/utf8.h"

namespace tl::server {

namespace json = boost::json;

namespace {

const json::value* Find(const json::object& o, std::string_view field) {
  auto it = o.find(json::string_view(field.data(), field.size()));
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

Status WrongType(std::string_view field, std::string_view expected) {
  return Status::BadField(fmt::format("{} must be {}", field, expected));
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return Status::BadField("a malformed percent escape in the URL");
      }
      const int hi = HexDigit(in[i + 1]), lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return Status::BadField("a malformed percent escape in the URL");
      out.push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!ledger::IsValidUtf8(out)) return Status::BadField("the URL is not valid UTF-8");
  return out;
}

}  // namespace

Result<json::object> ParseJsonObject(std::string_view body) {
  if (body.empty())
    return Status::InvalidArgument("bad_json", "the body is empty; a JSON object is expected");
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  options.allow_invalid_utf8 = false;  // strict UTF-8, also inside strings
  json::parser parser(json::storage_ptr(), options);
  boost::system::error_code ec;
  parser.write(body.data(), body.size(), ec);
  if (ec)
    return Status::InvalidArgument("bad_json",
                                   fmt::format("the body is not valid JSON: {}", ec.message()));
  json::value v = parser.release();
  if (!v.is_object()) return Status::InvalidArgument("bad_json", "the body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::optional<std::string>> OptionalString(const json::object& o, std::string_view field) {
  const json::value* v = Find(o, field);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(field, "a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::string> RequiredString(const json::object& o, std::string_view field) {
  TL_ASSIGN_OR_RETURN(auto s, OptionalString(o, field));
  if (!s) return Status::MissingField(fmt::format("{} is required", field));
  return std::move(*s);
}

Result<std::optional<uint64_t>> OptionalUnsigned(const json::object& o, std::string_view field) {
  const json::value* v = Find(o, field);
  if (!v) return std::optional<uint64_t>();
  if (v->is_uint64()) return std::optional<uint64_t>(v->as_uint64());
  if (v->is_int64() && v->as_int64() >= 0) {
    return std::optional<uint64_t>(static_cast<uint64_t>(v->as_int64()));
  }
  return WrongType(field, "a non-negative integer");
}

Result<std::optional<bool>> OptionalBool(const json::object& o, std::string_view field) {
  const json::value* v = Find(o, field);
  if (!v) return std::optional<bool>();
  if (!v->is_bool()) return WrongType(field, "true or false");
  return std::optional<bool>(v->as_bool());
}

Result<std::optional<ledger::TimeNs>> OptionalTime(const json::object& o, std::string_view field) {
  const json::value* v = Find(o, field);
  if (!v) return std::optional<ledger::TimeNs>();
  if (!v->is_string()) return WrongType(field, "an RFC 3339 time");
  auto t = ledger::ParseRfc3339(std::string_view(v->as_string()));
  if (!t.ok()) return WrongType(field, "an RFC 3339 time");
  return std::optional<ledger::TimeNs>(*t);
}

Status ParseTarget(std::string_view target, std::string* path, QueryParams* query) {
  const size_t q = target.find('?');
  TL_ASSIGN_OR_RETURN(*path, PercentDecode(target.substr(0, q), false));
  if (q == std::string_view::npos) return Status::Ok();
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    TL_ASSIGN_OR_RETURN(std::string key, PercentDecode(pair.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      TL_ASSIGN_OR_RETURN(value, PercentDecode(pair.substr(eq + 1), true));
    }
    query->emplace(std::move(key), std::move(value));
  }
  return Status::Ok();
}

Result<std::optional<uint64_t>> QueryUnsigned(const QueryParams& q, std::string_view name) {
  auto it = q.find(name);
  // `limit=` (as in docs/api.md's own examples) means "not given".
  if (it == q.end() || it->second.empty()) return std::optional<uint64_t>();
  const std::string& s = it->second;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return Status::BadField(fmt::format("{} must be a non-negative integer", name));
  }
  return std::optional<uint64_t>(v);
}

}  // namespace tl::server
