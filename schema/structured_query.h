// Firestore REST StructuredQuery JSON -> Query: field names, operators by
// name ("GREATER_THAN") or number (3, as the official client sends with
// enum-encoding=int), REST values, and {"structuredQuery": ...} wrappers.
#pragma once

#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "hearth/query.h"
#include "hearth/status.h"

namespace hearth::schema {

// `parent` is the parent document path of the queried collection ("" for root).
// `select` (a projection: the field paths to return; "__name__" alone means
// none) is reported there when given, and refused as UNIMPLEMENTED when null:
// a Query has no projection, so a caller that cannot apply one must not get
// whole documents for a select.
StatusOr<Query> ParseStructuredQuery(std::string_view json, const std::string& parent,
                                     std::optional<std::vector<std::string>>* select = nullptr);

}  // namespace hearth::schema
