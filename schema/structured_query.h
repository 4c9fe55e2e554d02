// Firestore REST StructuredQuery JSON -> Query: field names, operators by
// name ("GREATER_THAN") or number (3, as the official client sends with
// enum-encoding=int), REST values, and {"structuredQuery": ...} wrappers.
#pragma once

#include <string>
#include <string_view>

#include "hearth/query.h"
#include "hearth/status.h"

namespace hearth::schema {

// `parent` is the parent document path of the queried collection ("" for root).
StatusOr<Query> ParseStructuredQuery(std::string_view json, const std::string& parent);

}  // namespace hearth::schema
