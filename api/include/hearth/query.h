// Firestore queries: the shape of Firestore's StructuredQuery.
//
// Semantics follow Firestore (reference/firestore.md §2): range filters
// (<, <=, >, >=), == and `in` only match values of the filter value's type
// (integers and doubles are one numeric type and compare numerically);
// != and not-in match any present, non-null value that differs; a document
// lacking a filtered or ordered field is never returned. Results are ordered
// by the explicit orderBy, then every inequality field not yet ordered (by
// name), then __name__, each appended in the last explicit direction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hearth/value.h"

namespace hearth {

// Numbering is Firestore's FieldFilter.Operator (and, from 20, its
// UnaryFilter.Operator + 20), as the REST API sends them.
enum class FilterOp : int {
  kLessThan = 1,
  kLessThanOrEqual = 2,
  kGreaterThan = 3,
  kGreaterThanOrEqual = 4,
  kEqual = 5,
  kNotEqual = 6,
  kArrayContains = 7,
  kIn = 8,
  kArrayContainsAny = 9,
  kNotIn = 10,
  kIsNan = 22,
  kIsNull = 23,
  kIsNotNan = 24,
  kIsNotNull = 25,
};

// "<", "array-contains", "is-null", ... as the SDKs spell them.
const char* FilterOpName(FilterOp op);

struct FieldFilter {
  std::string field;  // a field path: "monitor_id", "config.frequency", "__name__"
  FilterOp op = FilterOp::kEqual;
  Value value;        // an array for in, not-in and array-contains-any; unused by unary ops
};

struct Filter {
  enum class Kind { kField, kAnd, kOr };
  Kind kind = Kind::kField;
  FieldFilter field;            // when kind == kField
  std::vector<Filter> filters;  // when kind is kAnd or kOr

  static Filter Field(std::string field, FilterOp op, Value value = Value()) {
    Filter f;
    f.field = FieldFilter{std::move(field), op, std::move(value)};
    return f;
  }
  static Filter And(std::vector<Filter> fs) { return Filter{Kind::kAnd, {}, std::move(fs)}; }
  static Filter Or(std::vector<Filter> fs) { return Filter{Kind::kOr, {}, std::move(fs)}; }
};

enum class SortDirection { kAscending, kDescending };

struct Order {
  std::string field;
  SortDirection direction = SortDirection::kAscending;
};

// A position in the query's order: values for a prefix of the (normalized)
// orderBy. `before` means the position is just before those values.
// startAt = {v, before=true}, startAfter = {v, before=false},
// endAt = {v, before=false}, endBefore = {v, before=true}.
struct Cursor {
  std::vector<Value> values;
  bool before = false;
};

struct Query {
  // The parent document of the collection ("" for a root collection, or
  // "monitors/m1"), and the collection id.
  std::string parent;
  std::string collection_id;
  // Every collection with this id below `parent` (a collection-group query).
  bool all_descendants = false;
  std::optional<Filter> where;
  std::vector<Order> order_by;
  std::optional<Cursor> start_at;
  std::optional<Cursor> end_at;
  std::optional<int64_t> limit;
  int64_t offset = 0;
};

// What running a query cost: index or document keys read, and documents
// decoded and checked against the filters.
struct QueryStats {
  uint64_t keys_read = 0;
  uint64_t documents_read = 0;
  uint64_t results = 0;
};

}  // namespace hearth
