// Reading request bodies and query strings strictly: JSON with a depth limit and strict UTF-8,
// typed field access that says which field is wrong, and the URL decoding of targets.
//
// Errors are Status values with docs/api.md's codes: bad_json (not JSON, not an object, too deep,
// invalid UTF-8), missing_field, bad_field.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"
#include "ledger/domain/types.h"
#include "server/http_message.h"

namespace tl::server {

// Nesting of arrays and objects accepted in a body. docs/api.md's bodies are two levels deep.
constexpr size_t kMaxJsonDepth = 16;

// Parses a body that must be one JSON object. An empty body is bad_json.
Result<boost::json::object> ParseJsonObject(std::string_view body);

// Typed fields of a JSON object. "Absent" means missing or null. A present value of the wrong
// type is bad_field naming the field.
Result<std::optional<std::string>> OptionalString(const boost::json::object& o,
                                                  std::string_view field);
// Absent is missing_field.
Result<std::string> RequiredString(const boost::json::object& o, std::string_view field);
// A non-negative integer that fits in 64 bits; anything else present is bad_field.
Result<std::optional<uint64_t>> OptionalUnsigned(const boost::json::object& o,
                                                 std::string_view field);
Result<std::optional<bool>> OptionalBool(const boost::json::object& o, std::string_view field);
// An RFC 3339 time.
Result<std::optional<ledger::TimeNs>> OptionalTime(const boost::json::object& o,
                                                   std::string_view field);

// Splits a request target into its percent-decoded path and query parameters. A malformed
// escape or invalid UTF-8 is bad_field. A repeated parameter keeps its first value.
Status ParseTarget(std::string_view target, std::string* path, QueryParams* query);

// Query parameter helpers: absent or empty -> nullopt; malformed -> bad_field naming it.
Result<std::optional<uint64_t>> QueryUnsigned(const QueryParams& q, std::string_view name);

}  // namespace tl::server
