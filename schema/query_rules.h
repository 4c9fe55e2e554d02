// Firestore's query rules, independent of storage: validation with
// Firestore's errors, normalization (filters in disjunctive normal form, the
// implicit orderings), and the semantics of matching, ordering and cursors.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hearth/query.h"
#include "hearth/status.h"
#include "hearth/value.h"
#include "schema/key_encoding.h"
#include "schema/path.h"

namespace hearth::schema {

constexpr size_t kMaxDisjunctions = 30;
constexpr size_t kMaxNotInValues = 10;
constexpr size_t kMaxFiltersAndOrders = 100;

struct QueryFilter {
  FieldPath field;
  FilterOp op;
  Value value;                // ==, !=, <, <=, >, >=, array-contains
  std::vector<Value> values;  // in, not-in, array-contains-any
  bool IsInequality() const;  // <, <=, >, >=, !=, not-in (they imply an ordering)
  bool IsEquality() const;    // ==, in, is-null, is-nan (a fixed value in an index prefix)
};

struct OrderTerm {
  FieldPath field;
  Direction direction;
};

struct NormalizedQuery {
  ResourcePath parent;  // the parent document ("" segments for the root)
  std::string collection_id;
  bool all_descendants = false;
  // OR of ANDs; one empty conjunction when the query has no filter.
  std::vector<std::vector<QueryFilter>> disjuncts;
  std::vector<OrderTerm> order;  // explicit, then inequality fields, then __name__
  std::optional<Cursor> start, end;
  std::optional<int64_t> limit;
  int64_t offset = 0;

  // The collection path a non-group query reads ("monitors/m1/snapshots").
  ResourcePath CollectionPath() const;
};

// Validates and normalizes; errors are INVALID_ARGUMENT with Firestore's wording.
StatusOr<NormalizedQuery> Normalize(const Query& q);

// Reads a field of a document by path; __name__ yields a reference to it.
using FieldReader = std::function<std::optional<Value>(const FieldPath&)>;

bool Matches(const QueryFilter& f, const std::optional<Value>& v);
bool MatchesConjunction(const std::vector<QueryFilter>& filters, const FieldReader& read);

// The values a document has for the query's order terms; nullopt when it
// lacks one (such a document is not a result).
std::optional<std::vector<Value>> OrderValues(const NormalizedQuery& q, const FieldReader& read);
// <0, 0, >0 comparing two rows' order values under the query's directions.
int CompareRows(const NormalizedQuery& q, const std::vector<Value>& a, const std::vector<Value>& b);
// Whether a row with these order values lies within the start/end cursors.
bool AfterStart(const NormalizedQuery& q, const std::vector<Value>& row);
bool BeforeEnd(const NormalizedQuery& q, const std::vector<Value>& row);

// The query in words, for --explain and errors.
std::string DescribeFilter(const QueryFilter& f);

}  // namespace hearth::schema
